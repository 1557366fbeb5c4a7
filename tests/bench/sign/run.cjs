#!/usr/bin/env node
// Signing, verification and admission throughput of @lazaret/trust against raw node:crypto.
// Runs against the built dist (build first: npx tsc -p libs/scanner/tsconfig.lib.json &&
// npx tsc -p libs/trust/tsconfig.lib.json, or `npm run build`).
//   node tests/bench/sign/run.cjs [--seconds 3] [--json]
'use strict';
const crypto = require('node:crypto');
const path = require('node:path');
const trust = require(path.join(__dirname, '../../../libs/trust/dist/index.js'));
const lc = require('@lazaret/crypto');

const args = process.argv.slice(2);
const seconds = Number(args[args.indexOf('--seconds') + 1]) || 3;
const asJson = args.includes('--json');

async function rate(fn, budgetMs) {
  for (let i = 0; i < 50; i++) await fn(i); // warm-up
  const t0 = process.hrtime.bigint();
  let n = 0;
  while (Number(process.hrtime.bigint() - t0) / 1e6 < budgetMs) {
    await fn(n);
    n++;
  }
  return n / (Number(process.hrtime.bigint() - t0) / 1e9);
}

async function main() {
  const budget = (seconds * 1000) / 2;
  const results = {};
  for (const alg of ['ecdsa-p256', 'ed25519']) {
    const key = lc.generateSigningKeyPair(alg);
    const digest = trust.sha256Digest('bench image');
    const payload = lc.buildSimpleSigningPayload('registry.test/team/app', digest, { creator: 'lazaret', timestamp: 1700000000 });
    const nodeAlg = alg === 'ed25519' ? null : 'sha256';
    // Raw: one crypto.sign / crypto.verify of the same payload.
    const rawSign = await rate(() => crypto.sign(nodeAlg, payload, key.privateKey), budget);
    const sig = crypto.sign(nodeAlg, payload, key.privateKey);
    const rawVerify = await rate(() => crypto.verify(nodeAlg, payload, key.publicKey, sig), budget);
    // Library: signImage into an in-memory registry (payload, signature, cosign manifest and
    // config, blob and manifest writes, bundle), a fresh image digest each time so nothing is skipped.
    const store = new trust.MemoryOciStore('registry.test');
    const libSign = await rate(
      (i) => trust.signImage({ image: { registry: 'registry.test', repository: 'team/app', digest: trust.sha256Digest(`img ${alg} ${i}`) }, key: { privateKey: key.privateKey, keyId: 'k' }, store, skipIfSigned: false }),
      budget,
    );
    // Library: verifySignatureLayer (size/digest checks, signature, payload parsing, digest match, key validity).
    const keys = new trust.KeyRing([{ id: 'k', publicKey: key.publicKey }]);
    const layer = { mediaType: trust.SIMPLE_SIGNING_MEDIA_TYPE, size: payload.length, digest: trust.sha256Digest(payload), annotations: { [trust.SIGNATURE_ANNOTATION]: sig.toString('base64') } };
    const now = new Date();
    const check = trust.verifySignatureLayer({ layer, payload, imageDigest: digest, keys, now });
    if (!trust.isVerifiedSignature(check)) throw new Error(`bench setup: signature did not verify: ${check.reason}`);
    const libVerify = await rate(() => trust.verifySignatureLayer({ layer, payload, imageDigest: digest, keys, now }), budget);
    results[alg] = {
      signPerSec: { raw: Math.round(rawSign), library: Math.round(libSign), ratio: +(libSign / rawSign).toFixed(3) },
      verifyPerSec: { raw: Math.round(rawVerify), library: Math.round(libVerify), ratio: +(libVerify / rawVerify).toFixed(3) },
    };
  }

  // Admission: a Deployment with three containers, all signed; decisions cached (digest → decision).
  const key = lc.generateSigningKeyPair();
  const store = new trust.MemoryOciStore('registry.test');
  const images = [];
  for (const name of ['app', 'sidecar', 'init']) {
    const m = Buffer.from(JSON.stringify({ schemaVersion: 2, mediaType: trust.OCI_MANIFEST, name }));
    const { digest } = await store.putManifest(`team/${name}`, '1', m, trust.OCI_MANIFEST);
    await trust.signImage({ image: { registry: 'registry.test', repository: `team/${name}`, digest }, key: { privateKey: key.privateKey }, store });
    images.push(`registry.test/team/${name}:1`);
  }
  const policy = trust.loadTrustPolicy(
    `keys:\n  - id: k\n    publicKey: ${JSON.stringify(lc.exportPublicKeyPem(key.publicKey))}\nrules:\n  - name: team\n    images: ["registry.test/team/**"]\n    signatures: { keys: [k] }\n`,
  );
  const controller = new trust.AdmissionController({
    policy,
    resolver: trust.registryTagResolver(() => store),
    evidence: trust.registryEvidence({ storeFor: () => store, keys: policy.keys }),
    cacheTtlMs: 3_600_000,
    tagTtlMs: 3_600_000,
  });
  const review = {
    apiVersion: 'admission.k8s.io/v1',
    kind: 'AdmissionReview',
    request: {
      uid: 'bench',
      kind: { group: 'apps', version: 'v1', kind: 'Deployment' },
      operation: 'CREATE',
      namespace: 'ns',
      name: 'web',
      object: { spec: { template: { spec: { initContainers: [{ name: 'init', image: images[2] }], containers: [{ name: 'app', image: images[0] }, { name: 'sidecar', image: images[1] }] } } } },
    },
  };
  const t0 = process.hrtime.bigint();
  const first = await controller.review(review);
  const coldMs = Number(process.hrtime.bigint() - t0) / 1e6;
  if (!first.response.allowed) throw new Error(`bench setup: denied: ${first.response.status && first.response.status.message}`);
  const lat = [];
  const start = process.hrtime.bigint();
  while (Number(process.hrtime.bigint() - start) / 1e6 < seconds * 1000) {
    const a = process.hrtime.bigint();
    const r = await controller.review(review);
    lat.push(Number(process.hrtime.bigint() - a) / 1e3);
    if (!r.response.allowed) throw new Error('cached decision flipped');
  }
  const total = Number(process.hrtime.bigint() - start) / 1e9;
  lat.sort((x, y) => x - y);
  const pct = (p) => +lat[Math.min(lat.length - 1, Math.floor((p / 100) * lat.length))].toFixed(1);
  results.admission = { reviewsPerSec: Math.round(lat.length / total), imagesPerReview: 3, p50Micros: pct(50), p99Micros: pct(99), coldReviewMs: +coldMs.toFixed(2), samples: lat.length };

  if (asJson) {
    console.log(JSON.stringify(results, null, 2));
    return;
  }
  for (const alg of ['ecdsa-p256', 'ed25519']) {
    const r = results[alg];
    console.log(`${alg.padEnd(11)} sign/s   raw ${String(r.signPerSec.raw).padStart(7)}  library ${String(r.signPerSec.library).padStart(7)}  ratio ${r.signPerSec.ratio}`);
    console.log(`${alg.padEnd(11)} verify/s raw ${String(r.verifyPerSec.raw).padStart(7)}  library ${String(r.verifyPerSec.library).padStart(7)}  ratio ${r.verifyPerSec.ratio}`);
  }
  const a = results.admission;
  console.log(`admission (cached, 3 images/review): ${a.reviewsPerSec} reviews/s, p50 ${a.p50Micros} µs, p99 ${a.p99Micros} µs (cold first review ${a.coldReviewMs} ms, ${a.samples} samples)`);
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
