import { describe, expect, it } from 'vitest';
import { isImageError } from './errors';
import { classifyWhiteout, normaliseHardlinkTarget, normaliseMemberName, symlinkTarget } from './paths';

function code(f: () => unknown): string | undefined {
  try {
    f();
    return undefined;
  } catch (err) {
    return isImageError(err) ? err.code : 'other';
  }
}

describe('paths', () => {
  it('normalises member names', () => {
    expect(normaliseMemberName('./etc//os-release', 100)).toBe('/etc/os-release');
    expect(normaliseMemberName('usr/lib/', 100)).toBe('/usr/lib');
    expect(normaliseMemberName('./', 100)).toBe('/');
  });

  it('rejects traversal, absolute names and NULs', () => {
    expect(code(() => normaliseMemberName('../../etc/passwd', 100))).toBe('path-traversal');
    expect(code(() => normaliseMemberName('a/../../b', 100))).toBe('path-traversal');
    expect(code(() => normaliseMemberName('/etc/passwd', 100))).toBe('absolute-path');
    expect(code(() => normaliseMemberName('a\0b', 100))).toBe('malformed-tar');
    expect(code(() => normaliseMemberName('x'.repeat(101), 100))).toBe('malformed-tar');
    expect(code(() => normaliseHardlinkTarget('../../etc/shadow', 100))).toBe('hardlink-escape');
    expect(normaliseHardlinkTarget('usr/bin/a', 100)).toBe('/usr/bin/a');
  });

  it('classifies whiteouts', () => {
    expect(classifyWhiteout('/etc/.wh.issue.net')).toEqual({ kind: 'whiteout', target: '/etc/issue.net' });
    expect(classifyWhiteout('/var/.wh..wh..opq')).toEqual({ kind: 'opaque', dir: '/var' });
    expect(classifyWhiteout('/.wh.top')).toEqual({ kind: 'whiteout', target: '/top' });
    expect(classifyWhiteout('/x/.wh..wh.plnk')).toEqual({ kind: 'meta' });
    expect(classifyWhiteout('/x/normal.wh.file')).toEqual({ kind: 'none' });
  });

  it('resolves symlink targets inside the image only', () => {
    expect(symlinkTarget('/etc/os-release', '../usr/lib/os-release')).toEqual({ ok: true, path: '/usr/lib/os-release' });
    expect(symlinkTarget('/bin/sh', 'busybox')).toEqual({ ok: true, path: '/bin/busybox' });
    expect(symlinkTarget('/etc/localtime', '/usr/share/zoneinfo/UTC')).toEqual({ ok: true, path: '/usr/share/zoneinfo/UTC' });
    expect(symlinkTarget('/etc/x', '../../../../etc/shadow').ok).toBe(false);
    expect(symlinkTarget('/etc/x', '').ok).toBe(false);
  });
});
