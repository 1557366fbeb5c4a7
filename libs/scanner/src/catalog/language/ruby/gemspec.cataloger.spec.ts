import { describe, expect, it } from 'vitest';
import { noteCodes, runCataloger, testdata } from '../../../../test/catalog-fixtures/harness';
import { GemspecCataloger, parseGemspec } from './gemspec.cataloger';

const c = new GemspecCataloger();
const SPECS = '/usr/local/bundle/specifications';

describe('ruby-gemspec cataloger', () => {
  it.each([
    [`${SPECS}/rack-2.2.4.gemspec`, true],
    ['/usr/share/rubygems-integration/all/specifications/rake-13.0.6.gemspec', true],
    ['/src/app/app.gemspec', false],
    [`${SPECS}/rack-2.2.4.gemspec.bak`, false],
  ])('required(%s) = %s', (path, want) => {
    expect(c.required({ path, type: 'file', size: 1, mode: 0o644 })).toBe(want);
  });

  it.each([
    { file: 'happy/rake-13.0.6.gemspec', want: { name: 'rake', version: '13.0.6', licenses: ['MIT'], purl: 'pkg:gem/rake@13.0.6' } },
    { file: 'happy/webrick-1.8.1.gemspec', want: { name: 'webrick', version: '1.8.1', licenses: ['Ruby', 'BSD-2-Clause'] } },
    { file: 'happy/old-style.gemspec', want: { name: 'json', version: '2.6.3', licenses: ['Ruby', 'BSD-2-Clause'] } },
  ])('$file', async ({ file, want }) => {
    const r = await runCataloger(c, `${SPECS}/x.gemspec`, testdata(__dirname, file));
    expect(r.packages).toHaveLength(1);
    expect(r.packages[0]).toMatchObject({ ...want, type: 'gem', foundBy: 'ruby-gemspec' });
  });

  it.each([
    ['computed values', testdata(__dirname, 'sad/computed.gemspec'), ['gemspec-invalid']],
    ['empty', Buffer.alloc(0), ['gemspec-invalid']],
    ['binary', Buffer.from([0x1f, 0x8b, 0, 0, 0]), ['gemspec-unreadable']],
    ['injection-looking version', Buffer.from('s.name = "x"\ns.version = "1.0\\"; system(\\"id\\")"\n'), ['gemspec-invalid']],
  ])('%s → note', async (_n, content, notes) => {
    const r = await runCataloger(c, `${SPECS}/x.gemspec`, content);
    expect(r.packages).toEqual([]);
    expect(noteCodes(r)).toEqual(notes);
  });

  it('parses Gem::Version.new and frozen strings; long files stay fast', () => {
    expect(parseGemspec('s.name = "a".freeze\ns.version = Gem::Version.new("1.2.3")\ns.license = "MIT".freeze\n')).toEqual({ name: 'a', version: '1.2.3', licenses: ['MIT'] });
    const t = Date.now();
    parseGemspec('s.name = "a"\n' + '  s.files = ["' + 'x'.repeat(500_000) + '"]\n');
    expect(Date.now() - t).toBeLessThan(1000);
  });
});
