import { BaseComparator, type Ordering, type ParsedVersion, cmp, cmpStrings, isDigit } from './comparator';
import { unparsable } from './errors';

/** Token kinds in apk-tools' order: the order itself is part of the comparison rules. */
const enum Tok {
  InitialDigit = 0,
  Digit = 1,
  Letter = 2,
  Suffix = 3,
  SuffixNo = 4,
  CommitHash = 5,
  RevisionNo = 6,
  End = 7,
  Invalid = 8,
}

/** Suffix ranks; NONE (5) is the pivot between pre-release and post-release suffixes. */
const SUFFIX_RANK: Record<string, number> = { alpha: 1, beta: 2, pre: 3, rc: 4, cvs: 6, svn: 7, git: 8, hg: 9, p: 10 };
const SUFFIX_NONE = 5;
const U64 = (1n << 64n) - 1n;

interface Token {
  kind: Tok;
  /** Raw text of the token (digits, the letter, the suffix word, the hash). */
  text: string;
  /** Numeric value for digit tokens (uint64 arithmetic, as apk-tools). */
  number: bigint;
  suffix: number;
}

export interface ApkVersion extends ParsedVersion {
  readonly tokens: readonly Token[];
}

/**
 * Alpine's version ordering as apk-tools implements it (src/version.c, the token-based parser of
 * apk-tools 2.14/3.x): `digit{.digit}...{letter}{_suffix{#}}...{~hash}{-r#}`. Pre-release suffixes
 * (_alpha, _beta, _pre, _rc) sort before the bare version, post-release ones (_cvs, _svn, _git,
 * _hg, _p) after; a digit run with a leading zero (after the first) is compared as a string.
 * apk-tools would still order invalid versions by their valid prefix; we reject them.
 */
export class ApkComparator extends BaseComparator<ApkVersion> {
  readonly ecosystem = 'Alpine';
  override readonly aliases = ['Wolfi', 'Chainguard', 'MinimOS', 'Alpaquita', 'BellSoft Hardened Containers'];
  readonly reference = 'apk-tools src/version.c (token_first/token_next/token_cmp)';

  parse(input: string): ApkVersion {
    const tokens: Token[] = [];
    const state = { pos: 0 };
    let t = firstToken(input, state);
    while (t.kind < Tok.End) {
      tokens.push(t);
      t = nextToken(input, state, t.kind);
    }
    if (t.kind !== Tok.End) {
      throw unparsable(this.ecosystem, input, `invalid at offset ${state.pos} (expected digit{.digit}...{letter}{_suffix{#}}...{~hash}{-r#})`);
    }
    return { ecosystem: this.ecosystem, input, tokens };
  }

  compareParsed(a: ApkVersion, b: ApkVersion): Ordering {
    let i = 0;
    const kind = (v: ApkVersion, k: number) => v.tokens[k]?.kind ?? Tok.End;
    while (kind(a, i) === kind(b, i) && kind(a, i) < Tok.End) {
      const r = tokenCmp(a.tokens[i]!, b.tokens[i]!);
      if (r !== 0) return r;
      i++;
    }
    const ka = kind(a, i);
    const kb = kind(b, i);
    if (ka === kb) return 0;
    // Equal so far: the longer version is newer unless what follows is a pre-release suffix.
    if (ka === Tok.Suffix && a.tokens[i]!.suffix < SUFFIX_NONE) return -1;
    if (kb === Tok.Suffix && b.tokens[i]!.suffix < SUFFIX_NONE) return 1;
    if (ka > kb) return -1;
    if (kb > ka) return 1;
    return 0;
  }
}

function pullDigits(s: string, state: { pos: number }): { text: string; number: bigint } {
  const start = state.pos;
  let n = 0n;
  while (isDigit(s[state.pos])) {
    n = (n * 10n + BigInt(s.charCodeAt(state.pos) - 48)) & U64;
    state.pos++;
  }
  return { text: s.slice(start, state.pos), number: n };
}

function firstToken(s: string, state: { pos: number }): Token {
  const d = pullDigits(s, state);
  return { kind: d.text.length === 0 ? Tok.Invalid : Tok.InitialDigit, text: d.text, number: d.number, suffix: 0 };
}

function nextToken(s: string, state: { pos: number }, prev: Tok): Token {
  const invalid: Token = { kind: Tok.Invalid, text: '', number: 0n, suffix: 0 };
  if (state.pos >= s.length) return { kind: Tok.End, text: '', number: 0n, suffix: 0 };
  const c = s[state.pos]!;
  if (c >= 'a' && c <= 'z') {
    if (prev > Tok.Digit) return invalid;
    state.pos++;
    return { kind: Tok.Letter, text: c, number: 0n, suffix: 0 };
  }
  if (c === '.' || isDigit(c)) {
    if (c === '.') {
      if (prev > Tok.Digit) return invalid;
      state.pos++;
    }
    let kind: Tok;
    if (prev === Tok.InitialDigit || prev === Tok.Digit) kind = Tok.Digit;
    else if (prev === Tok.Suffix) kind = Tok.SuffixNo;
    else return invalid;
    const d = pullDigits(s, state);
    return d.text.length === 0 ? invalid : { kind, text: d.text, number: d.number, suffix: 0 };
  }
  if (c === '_') {
    if (prev > Tok.SuffixNo) return invalid;
    state.pos++;
    const start = state.pos;
    while (state.pos < s.length && s[state.pos]! >= 'a' && s[state.pos]! <= 'z') state.pos++;
    const word = s.slice(start, state.pos);
    const rank = SUFFIX_RANK[word];
    if (rank === undefined || !Object.hasOwn(SUFFIX_RANK, word)) return invalid;
    return { kind: Tok.Suffix, text: word, number: 0n, suffix: rank };
  }
  if (c === '~') {
    if (prev >= Tok.CommitHash) return invalid;
    state.pos++;
    const start = state.pos;
    while (state.pos < s.length && /[0-9a-f]/.test(s[state.pos]!)) state.pos++;
    if (state.pos === start) return invalid;
    return { kind: Tok.CommitHash, text: s.slice(start, state.pos), number: 0n, suffix: 0 };
  }
  if (c === '-') {
    if (prev >= Tok.RevisionNo) return invalid;
    if (s[state.pos + 1] !== 'r') return invalid;
    state.pos += 2;
    const d = pullDigits(s, state);
    return d.text.length === 0 ? invalid : { kind: Tok.RevisionNo, text: d.text, number: d.number, suffix: 0 };
  }
  return invalid;
}

function tokenCmp(a: Token, b: Token): Ordering {
  switch (a.kind) {
    case Tok.Digit:
      // A leading zero makes apk compare the digit runs as strings (Gentoo rule).
      if (a.text[0] === '0' || b.text[0] === '0') return cmpStrings(a.text, b.text);
      return cmp(a.number, b.number);
    case Tok.InitialDigit:
    case Tok.SuffixNo:
    case Tok.RevisionNo:
      return cmp(a.number, b.number);
    case Tok.Letter:
      return cmpStrings(a.text, b.text);
    case Tok.Suffix:
      return cmp(a.suffix, b.suffix);
    default:
      return cmpStrings(a.text, b.text);
  }
}
