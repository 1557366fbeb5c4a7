import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import {
  consistencyProof,
  EMPTY_ROOT,
  inclusionProof,
  leafHash,
  merkleRoot,
  merkleRootFromLeafHashes,
  nodeHash,
  rootFromInclusionProof,
  verifyConsistency,
  verifyInclusion,
} from './merkle.tree';

// ---- Reference: RFC 9162 section 2.1 definitions written out literally, over any "subtree hash
// oracle", so the same code serves real leaves and the huge uniform trees further down. -------

type Oracle = (lo: number, hi: number) => Buffer;

const sha = (...parts: Uint8Array[]): Buffer => {
  const h = createHash('sha256');
  parts.forEach((p) => h.update(p));
  return h.digest();
};

function k(n: number): number {
  let p = 1;
  while (p * 2 < n) p *= 2;
  return p;
}

function leavesOracle(leaves: Buffer[]): Oracle {
  const mth = (lo: number, hi: number): Buffer => {
    const n = hi - lo;
    if (n === 0) return sha();
    if (n === 1) return sha(Buffer.from([0]), leaves[lo]!);
    const s = k(n);
    return sha(Buffer.from([1]), mth(lo, lo + s), mth(lo + s, hi));
  };
  return mth;
}

function refPath(mth: Oracle, m: number, lo: number, hi: number): Buffer[] {
  const n = hi - lo;
  if (n === 1) return [];
  const s = k(n);
  return m < s ? [...refPath(mth, m, lo, lo + s), mth(lo + s, hi)] : [...refPath(mth, m - s, lo + s, hi), mth(lo, lo + s)];
}

function refSubproof(mth: Oracle, m: number, lo: number, hi: number, b: boolean): Buffer[] {
  const n = hi - lo;
  if (m === n) return b ? [] : [mth(lo, hi)];
  const s = k(n);
  return m <= s
    ? [...refSubproof(mth, m, lo, lo + s, b), mth(lo + s, hi)]
    : [...refSubproof(mth, m - s, lo + s, hi, false), mth(lo, lo + s)];
}

function refProof(mth: Oracle, m: number, n: number): Buffer[] {
  return m === 0 || m === n ? [] : refSubproof(mth, m, 0, n, true);
}

const hex = (b: Uint8Array): string => Buffer.from(b).toString('hex');
const flip = (b: Uint8Array, bit: number): Buffer => {
  const c = Buffer.from(b);
  c[0] ^= 1 << bit;
  return c;
};
const SOME_HASH = Buffer.from('abacaba000000000000000000000000000000000000000000060061e00123456', 'hex');

// ---- Published vectors: transparency-dev/merkle testonly/constants.go and proof/verify_test.go
// (the RFC 6962 test data shared with certificate-transparency-go). --------------------------

const LEAVES = ['', '00', '10', '2021', '3031', '40414243', '5051525354555657', '606162636465666768696a6b6c6d6e6f'].map((h) =>
  Buffer.from(h, 'hex'),
);
const ROOTS = [
  'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855',
  '6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d',
  'fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125',
  'aeb6bcfe274b70a14fb067a5e5578264db0fa9b51af5e0ba159158f329e06e77',
  'd37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7',
  '4e3bbb1f7b478dcfe71fb631631519a3bca12c9aefca1612bfce4c13a86264d4',
  '76e67dadbcdf1e10e1b74ddc608abd2f98dfb16fbce75277b5232a127f2087ef',
  'ddb89be403809e325750d3d263cd78929c2942b7942a34b77e122c9594a74c8c',
  '5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328',
];
const INCLUSION: Array<{ leaf: number; size: number; proof: string[] }> = [
  {
    leaf: 0,
    size: 8,
    proof: [
      '96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7',
      '5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e',
      '6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4',
    ],
  },
  {
    leaf: 5,
    size: 8,
    proof: [
      'bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b',
      'ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0',
      'd37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7',
    ],
  },
  { leaf: 2, size: 3, proof: ['fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125'] },
  {
    leaf: 1,
    size: 5,
    proof: [
      '6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d',
      '5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e',
      'bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b',
    ],
  },
];
const CONSISTENCY: Array<{ size1: number; size2: number; proof: string[] }> = [
  { size1: 1, size2: 1, proof: [] },
  {
    size1: 1,
    size2: 8,
    proof: [
      '96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7',
      '5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e',
      '6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4',
    ],
  },
  {
    size1: 6,
    size2: 8,
    proof: [
      '0ebc5d3437fbe2db158b9f126a1d118e308181031d0a949f8dededebc558ef6a',
      'ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0',
      'd37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7',
    ],
  },
  {
    size1: 2,
    size2: 5,
    proof: [
      '5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e',
      'bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b',
    ],
  },
  {
    size1: 6,
    size2: 7,
    proof: [
      '0ebc5d3437fbe2db158b9f126a1d118e308181031d0a949f8dededebc558ef6a',
      'b08693ec2e721597130641e8211e7eedccb4c26413963eee6c1e2ed16ffb1a5f',
      'd37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7',
    ],
  },
];

// ---- Tampering, modelled on transparency-dev's corruptInclusionProof / corruptConsistencyProof.

function inclusionProbes(index: number, size: number, proof: Buffer[], root: Buffer, leaf: Buffer) {
  const probes: Array<[string, Buffer, number, number, Buffer[], Buffer]> = [
    ['index - 1', leaf, index - 1, size, proof, root],
    ['index + 1', leaf, index + 1, size, proof, root],
    ['index ^ 2', leaf, index ^ 2, size, proof, root],
    ['size * 2', leaf, index, size * 2, proof, root],
    ['size / 2', leaf, index, Math.floor(size / 2), proof, root],
    ['wrong leaf', sha(Buffer.from('WrongLeaf')), index, size, proof, root],
    ['empty root', leaf, index, size, proof, EMPTY_ROOT],
    ['random root', leaf, index, size, proof, SOME_HASH],
    ['trailing root', leaf, index, size, [...proof, root], root],
    ['trailing garbage', leaf, index, size, [...proof, Buffer.alloc(0)], root],
    ['preceding root', leaf, index, size, [root, ...proof], root],
  ];
  proof.forEach((_, i) => {
    const bad = proof.map((p, j) => (j === i ? flip(p, 3) : p));
    probes.push([`proof[${i}] bit flipped`, leaf, index, size, bad, root]);
  });
  if (proof.length > 0) probes.push(['removed last', leaf, index, size, proof.slice(0, -1), root]);
  if (proof.length > 1) probes.push(['inserted', leaf, index, size, [proof[0]!, SOME_HASH, ...proof.slice(1)], root]);
  if (proof.length > 1) probes.push(['swapped', leaf, index, size, [proof[1]!, proof[0]!, ...proof.slice(2)], root]);
  return probes;
}

function consistencyProbes(size1: number, size2: number, root1: Buffer, root2: Buffer, proof: Buffer[]) {
  const probes: Array<[string, number, number, Buffer, Buffer, Buffer[]]> = [
    ['size1 - 1', size1 - 1, size2, root1, root2, proof],
    ['size1 + 1', size1 + 1, size2, root1, root2, proof],
    ['size1 ^ 2', size1 ^ 2, size2, root1, root2, proof],
    ['size2 * 2', size1, size2 * 2, root1, root2, proof],
    ['size2 / 2', size1, Math.floor(size2 / 2), root1, root2, proof],
    ['wrong root1', size1, size2, SOME_HASH, root2, proof],
    ['wrong root2', size1, size2, root1, SOME_HASH, proof],
    ['swapped roots', size1, size2, root2, root1, proof],
    ['empty proof', size1, size2, root1, root2, []],
    ['trailing root1', size1, size2, root1, root2, [...proof, root1]],
    ['trailing root2', size1, size2, root1, root2, [...proof, root2]],
    ['preceding root1', size1, size2, root1, root2, [root1, ...proof]],
    ['preceding root2', size1, size2, root1, root2, [root2, ...proof]],
    ['preceding proof[0]', size1, size2, root1, root2, [proof[0]!, ...proof]],
    ['truncated', size1, size2, root1, root2, proof.slice(0, -1)],
  ];
  proof.forEach((_, i) => {
    const bad = proof.map((p, j) => (j === i ? flip(p, 4) : p));
    probes.push([`proof[${i}] bit flipped`, size1, size2, root1, root2, bad]);
  });
  return probes;
}

describe('Merkle tree (RFC 9162 / RFC 6962)', () => {
  it('hashes leaves with a 0x00 prefix and nodes with a 0x01 prefix', () => {
    expect(hex(leafHash(Buffer.from('abc')))).toBe(hex(sha(Buffer.from([0]), Buffer.from('abc'))));
    const l = sha(Buffer.from('l'));
    const r = sha(Buffer.from('r'));
    expect(hex(nodeHash(l, r))).toBe(hex(sha(Buffer.from([1]), l, r)));
  });

  it.each(ROOTS.map((root, size) => [size, root] as const))('root of the first %i published leaves is %s', (size, root) => {
    expect(hex(merkleRoot(LEAVES.slice(0, size)))).toBe(root);
    expect(hex(merkleRootFromLeafHashes(LEAVES.slice(0, size).map(leafHash)))).toBe(root);
  });

  it.each(INCLUSION)('produces and verifies the published inclusion proof for leaf $leaf of $size', ({ leaf, size, proof }) => {
    const got = inclusionProof(leaf, size, LEAVES);
    expect(got.map(hex)).toEqual(proof);
    const root = Buffer.from(ROOTS[size]!, 'hex');
    const lh = leafHash(LEAVES[leaf]!);
    expect(verifyInclusion(lh, leaf, size, got, root)).toBe(true);
    for (const [name, l, i, n, p, r] of inclusionProbes(leaf, size, got, root, lh)) {
      expect(verifyInclusion(l, i, n, p, r), name).toBe(false);
    }
  });

  it.each(CONSISTENCY)('produces and verifies the published consistency proof $size1 -> $size2', ({ size1, size2, proof }) => {
    const got = consistencyProof(size1, size2, LEAVES);
    expect(got.map(hex)).toEqual(proof);
    const root1 = Buffer.from(ROOTS[size1]!, 'hex');
    const root2 = Buffer.from(ROOTS[size2]!, 'hex');
    expect(verifyConsistency(size1, size2, root1, root2, got)).toBe(true);
    if (got.length > 0) {
      for (const [name, s1, s2, r1, r2, p] of consistencyProbes(size1, size2, root1, root2, got)) {
        expect(verifyConsistency(s1, s2, r1, r2, p), name).toBe(false);
      }
    }
  });

  it('handles the trivial consistency cases like transparency-dev (plus a well-defined empty root)', () => {
    const a = sha(Buffer.from('a'));
    const b = sha(Buffer.from('b'));
    expect(verifyConsistency(0, 0, EMPTY_ROOT, EMPTY_ROOT, [])).toBe(true);
    expect(verifyConsistency(0, 0, EMPTY_ROOT, a, [])).toBe(false);
    expect(verifyConsistency(0, 5, EMPTY_ROOT, a, [])).toBe(true);
    expect(verifyConsistency(0, 5, a, b, [])).toBe(false);
    expect(verifyConsistency(0, 1, EMPTY_ROOT, a, [EMPTY_ROOT])).toBe(false);
    expect(verifyConsistency(1, 1, a, a, [])).toBe(true);
    expect(verifyConsistency(1, 1, a, b, [])).toBe(false);
    expect(verifyConsistency(1, 1, a, a, [EMPTY_ROOT])).toBe(false);
    expect(verifyConsistency(1, 0, a, b, [])).toBe(false);
    expect(verifyConsistency(2, 1, a, b, [a])).toBe(false);
    expect(verifyConsistency(1, 2, a, b, [])).toBe(false);
  });

  it('rejects degenerate inclusion inputs without throwing', () => {
    const h = sha(Buffer.from('data'));
    expect(verifyInclusion(h, 0, 1, [], h)).toBe(true);
    expect(verifyInclusion(h, 0, 1, [], Buffer.alloc(0))).toBe(false);
    expect(verifyInclusion(Buffer.alloc(0), 0, 1, [], h)).toBe(false);
    for (const [i, n] of [
      [0, 0],
      [1, 0],
      [2, 1],
      [-1, 2],
      [0.5, 2],
      [Number.NaN, 2],
    ] as const) {
      expect(verifyInclusion(h, i, n, [], h)).toBe(false);
    }
    expect(rootFromInclusionProof(h, 3, 2, [])).toBeUndefined();
  });

  it('throws typed errors for impossible proof requests', () => {
    expect(() => inclusionProof(3, 3, LEAVES)).toThrow(expect.objectContaining({ code: 'invalid-argument' }));
    expect(() => inclusionProof(0, 9, LEAVES)).toThrow(/exceeds/);
    expect(() => consistencyProof(5, 4, LEAVES)).toThrow(/larger/);
    expect(() => consistencyProof(1, 2, [Buffer.alloc(1), 'x' as unknown as Buffer])).toThrow(/leaf 1/);
    expect(() => merkleRootFromLeafHashes([Buffer.alloc(31)])).toThrow(/32 bytes/);
  });

  it('agrees with the literal RFC definitions for every size up to 64, and every tampered proof fails', () => {
    const leaves = Array.from({ length: 64 }, (_, i) => createHash('sha256').update(`leaf-${i}`).digest().subarray(0, (i % 7) + 1));
    const mth = leavesOracle(leaves);
    const roots = Array.from({ length: 65 }, (_, n) => mth(0, n));
    let checked = 0;
    for (let n = 0; n <= 64; n++) {
      expect(hex(merkleRoot(leaves.slice(0, n)))).toBe(hex(roots[n]!));
      for (let m = 0; m < n; m++) {
        const proof = inclusionProof(m, n, leaves);
        expect(proof.map(hex)).toEqual(refPath(mth, m, 0, n).map(hex));
        const lh = leafHash(leaves[m]!);
        expect(verifyInclusion(lh, m, n, proof, roots[n]!)).toBe(true);
        for (const [name, l, i, size, p, r] of inclusionProbes(m, n, proof, roots[n]!, lh)) {
          // "size / 2" and "index ^ 2" can land on another valid position only if the proof and
          // root still match, which the reference rules out: a different (m', n') has a
          // different root or path.
          expect(verifyInclusion(l, i, size, p, r), `${m}/${n} ${name}`).toBe(false);
        }
        checked++;
      }
      for (let m = 0; m <= n; m++) {
        const proof = consistencyProof(m, n, leaves);
        expect(proof.map(hex)).toEqual(refProof(mth, m, n).map(hex));
        expect(verifyConsistency(m, n, roots[m]!, roots[n]!, proof)).toBe(true);
        if (proof.length > 0) {
          for (const [name, s1, s2, r1, r2, p] of consistencyProbes(m, n, roots[m]!, roots[n]!, proof)) {
            expect(verifyConsistency(s1, s2, r1, r2, p), `${m}->${n} ${name}`).toBe(false);
          }
        }
        checked++;
      }
    }
    expect(checked).toBe(2080 + 2145);
  });

  it('verifies proofs in trees far beyond 2^32 leaves (no 32-bit arithmetic)', () => {
    // A tree whose leaves are all equal has subtree hashes that depend on the size only, so the
    // reference can build proofs for any size without materialising the leaves.
    const leaf = Buffer.from('same');
    const memo = new Map<number, Buffer>();
    const uniform = (n: number): Buffer => {
      const hit = memo.get(n);
      if (hit) return hit;
      const s = k(n);
      const h = n === 1 ? sha(Buffer.from([0]), leaf) : sha(Buffer.from([1]), uniform(s), uniform(n - s));
      memo.set(n, h);
      return h;
    };
    const mth: Oracle = (lo, hi) => uniform(hi - lo);
    const lh = leafHash(leaf);
    for (const [m, n] of [
      [2 ** 32 + 5, 2 ** 33 + 3],
      [2 ** 40 - 1, 2 ** 40],
      [2 ** 45 + 12345, 2 ** 47 + 99],
      [Number.MAX_SAFE_INTEGER - 1, Number.MAX_SAFE_INTEGER],
    ] as const) {
      const proof = refPath(mth, m, 0, n);
      expect(verifyInclusion(lh, m, n, proof, uniform(n)), `inclusion ${m}/${n}`).toBe(true);
      // Uniform trees are too symmetric for wrong-index probes (equal siblings commute), so tamper
      // with the proof instead.
      const last = proof.length - 1;
      expect(verifyInclusion(lh, m, n, proof.map((p, i) => (i === last ? flip(p, 0) : p)), uniform(n))).toBe(false);
      expect(verifyInclusion(lh, m, n, proof.slice(0, last), uniform(n))).toBe(false);
      const cproof = refProof(mth, m, n);
      expect(verifyConsistency(m, n, uniform(m), uniform(n), cproof), `consistency ${m}->${n}`).toBe(true);
      expect(verifyConsistency(m, n, uniform(m), uniform(n), cproof.slice(1))).toBe(false);
    }
  });
});
