import { describe, expect, it } from 'vitest';
import { canonicalJson, canonicalJsonBytes } from './canonical-json.encoder';
import { CryptoError } from './errors';

function fromBits(hex: string): number {
  return Buffer.from(hex, 'hex').readDoubleBE(0);
}

function expectRejected(value: unknown, fragment: string): void {
  let caught: unknown;
  try {
    canonicalJson(value);
  } catch (error) {
    caught = error;
  }
  expect(caught).toBeInstanceOf(CryptoError);
  expect((caught as CryptoError).code).toBe('not-canonicalizable');
  expect((caught as CryptoError).message).toContain(fragment);
}

describe('canonicalJson (RFC 8785)', () => {
  // RFC 8785 Appendix B: IEEE 754 bit patterns and their canonical text.
  const appendixB: Array<[string, string]> = [
    ['0000000000000000', '0'],
    ['8000000000000000', '0'],
    ['0000000000000001', '5e-324'],
    ['8000000000000001', '-5e-324'],
    ['7fefffffffffffff', '1.7976931348623157e+308'],
    ['ffefffffffffffff', '-1.7976931348623157e+308'],
    ['4340000000000000', '9007199254740992'],
    ['c340000000000000', '-9007199254740992'],
    ['4430000000000000', '295147905179352830000'],
    ['44b52d02c7e14af5', '9.999999999999997e+22'],
    ['44b52d02c7e14af6', '1e+23'],
    ['44b52d02c7e14af7', '1.0000000000000001e+23'],
    ['444b1ae4d6e2ef4e', '999999999999999700000'],
    ['444b1ae4d6e2ef4f', '999999999999999900000'],
    ['444b1ae4d6e2ef50', '1e+21'],
    ['3eb0c6f7a0b5ed8c', '9.999999999999997e-7'],
    ['3eb0c6f7a0b5ed8d', '0.000001'],
    ['41b3de4355555553', '333333333.3333332'],
    ['41b3de4355555554', '333333333.33333325'],
    ['41b3de4355555555', '333333333.3333333'],
    ['41b3de4355555556', '333333333.3333334'],
    ['41b3de4355555557', '333333333.33333343'],
    ['becbf647612f3696', '-0.0000033333333333333333'],
    ['43143ff3c1cb0959', '1424953923781206.2'],
  ];
  it.each(appendixB)('serialises the number with bits %s as %s (Appendix B)', (bits, text) => {
    expect(canonicalJson(fromBits(bits))).toBe(text);
  });

  it('reproduces the RFC 8785 section 3.2.4 example byte for byte', () => {
    const input = JSON.parse(
      '{"numbers": [333333333.33333329, 1E30, 4.50, 2e-3, 0.000000000000000000000000001],' +
        '"string": "\\u20ac$\\u000F\\u000aA\'\\u0042\\u0022\\u005c\\\\\\"\\/",' +
        '"literals": [null, true, false]}',
    ) as unknown;
    expect(canonicalJson(input)).toBe(
      '{"literals":[null,true,false],"numbers":[333333333.3333333,1e+30,4.5,0.002,1e-27],' +
        '"string":"\u20ac$\\u000f\\nA\'B\\"\\\\\\\\\\"/"}',
    );
  });

  it('sorts keys by UTF-16 code units (RFC 8785 section 3.2.3 example)', () => {
    const input = {
      '\u20ac': 'Euro Sign',
      '\r': 'Carriage Return',
      '\ufb33': 'Hebrew Letter Dalet With Dagesh',
      '1': 'One',
      '\ud83d\ude00': 'Emoji: Grinning Face',
      '\u0080': 'Control',
      '\u00f6': 'Latin Small Letter O With Diaeresis',
    };
    const out = canonicalJson(input);
    const order = Object.keys(JSON.parse(out) as Record<string, string>);
    // JSON.parse keeps insertion order except for integer-like keys ("1" first), so compare the
    // raw text instead.
    expect(order).toContain('1');
    expect(out).toBe(
      '{"\\r":"Carriage Return","1":"One","\u0080":"Control","\u00f6":"Latin Small Letter O With Diaeresis",' +
        '"\u20ac":"Euro Sign","\ud83d\ude00":"Emoji: Grinning Face","\ufb33":"Hebrew Letter Dalet With Dagesh"}',
    );
    // The emoji (a surrogate pair, 0xD83D...) sorts before U+FB33 by code units, although its
    // code point is larger: the RFC's rule, not code point order.
    expect(out.indexOf('\ud83d')).toBeLessThan(out.indexOf('\ufb33'));
  });

  it('escapes exactly the control characters, lowercase hex', () => {
    let s = '';
    for (let c = 0; c < 0x20; c++) s += String.fromCharCode(c);
    expect(canonicalJson(s)).toBe(
      '"\\u0000\\u0001\\u0002\\u0003\\u0004\\u0005\\u0006\\u0007\\b\\t\\n\\u000b\\f\\r\\u000e\\u000f' +
        '\\u0010\\u0011\\u0012\\u0013\\u0014\\u0015\\u0016\\u0017\\u0018\\u0019\\u001a\\u001b\\u001c\\u001d\\u001e\\u001f"',
    );
    expect(canonicalJson('/ \u007f \u2028 é')).toBe('"/ \u007f \u2028 é"');
  });

  it('emits no whitespace and nests arrays and objects', () => {
    expect(canonicalJson({ b: [1, { d: null, c: 'x' }], a: {} })).toBe('{"a":{},"b":[1,{"c":"x","d":null}]}');
    expect(canonicalJson([])).toBe('[]');
    expect(canonicalJsonBytes({ é: 1 }).toString('hex')).toBe(Buffer.from('{"é":1}', 'utf8').toString('hex'));
  });

  it('gives the same text for objects that differ only in key order', () => {
    expect(canonicalJson({ x: 1, y: { q: 2, p: 3 } })).toBe(canonicalJson({ y: { p: 3, q: 2 }, x: 1 }));
  });

  it('applies toJSON (Date) like JSON.stringify', () => {
    expect(canonicalJson({ at: new Date('2024-01-02T03:04:05.000Z') })).toBe('{"at":"2024-01-02T03:04:05.000Z"}');
  });

  it('accepts objects without a prototype and shared (non-cyclic) references', () => {
    const bare = Object.create(null) as Record<string, unknown>;
    bare.k = 1;
    const shared = { v: 1 };
    expect(canonicalJson({ bare, a: shared, b: shared })).toBe('{"a":{"v":1},"b":{"v":1},"bare":{"k":1}}');
  });

  describe('rejects with a typed error', () => {
    it.each([
      [Number.NaN, 'NaN'],
      [Number.POSITIVE_INFINITY, 'Infinity'],
      [Number.NEGATIVE_INFINITY, '-Infinity'],
    ])('non-finite number %s', (value, fragment) => expectRejected({ n: [value] }, fragment));

    it('undefined at the top, in arrays, in members and in sparse array holes', () => {
      expectRejected(undefined, 'undefined');
      expectRejected([1, undefined], '$[1]');
      expectRejected({ a: { b: undefined } }, '$.a.b');
      expectRejected([1, , 3], '$[1]');
    });

    it('functions, symbols and bigints', () => {
      expectRejected({ f: () => 1 }, 'functions');
      expectRejected({ s: Symbol('x') }, 'symbols');
      expectRejected({ n: 10n }, 'bigint');
    });

    it('cycles', () => {
      const a: Record<string, unknown> = { name: 'a' };
      a.self = a;
      expectRejected(a, 'cyclic');
      const list: unknown[] = [];
      list.push([list]);
      expectRejected(list, 'cyclic');
    });

    it('Map, Set and class instances', () => {
      expectRejected({ m: new Map([['a', 1]]) }, 'Map');
      expectRejected(new Set([1]), 'Set');
      class Thing {
        x = 1;
      }
      expectRejected(new Thing(), 'Thing');
    });

    it('lone surrogates in values and keys', () => {
      expectRejected('a\ud800b', 'lone surrogate');
      expectRejected('\udc00', 'lone surrogate');
      expectRejected({ ['\ud83d']: 1 }, 'lone surrogate');
    });
  });
});
