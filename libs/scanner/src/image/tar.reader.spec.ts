import { describe, expect, it } from 'vitest';
import { buildTar, tarEntry, tarHeader, TAR_END } from '../../test/fixtures/tar-writer';
import { ByteReader } from './byte-reader';
import { isImageError } from './errors';
import { readTar, type TarHeader } from './tar.reader';

const OPTS = { what: 'test', maxEntries: 1000, maxPathLength: 4096, maxPaxHeaderBytes: 65536 };

function chunked(data: Buffer, size: number): AsyncIterable<Buffer> {
  return (async function* () {
    for (let i = 0; i < data.length; i += size) yield data.subarray(i, i + size);
  })();
}

async function read(data: Buffer, opts = OPTS, chunk = 7): Promise<(TarHeader & { body: string })[]> {
  const out: (TarHeader & { body: string })[] = [];
  for await (const e of readTar(new ByteReader(chunked(data, chunk), 'test'), opts)) {
    const body = e.header.type === 'file' && e.header.name.endsWith('.txt') ? (await e.readAll(1 << 20)).toString() : '';
    out.push({ ...e.header, body });
  }
  return out;
}

async function code(data: Buffer, opts = OPTS): Promise<string | undefined> {
  try {
    await read(data, opts);
    return undefined;
  } catch (err) {
    if (isImageError(err)) return err.code;
    throw err;
  }
}

describe('readTar', () => {
  it('reads ustar entries, types, bodies and the prefix field, across odd chunk boundaries', async () => {
    const tar = buildTar([
      { name: 'etc/', type: '5', mode: 0o755 },
      { name: 'a.txt', content: 'hello' },
      { name: 'name.txt', prefix: 'very/long/prefix', content: 'prefixed' },
      { name: 'skipped.bin', content: Buffer.alloc(1500, 1) },
      { name: 'link', type: '2', linkName: '../target' },
      { name: 'hard', type: '1', linkName: 'a.txt' },
    ]);
    for (const chunk of [1, 7, 512, 100000]) {
      const entries = await read(tar, OPTS, chunk);
      expect(entries.map((e) => [e.name, e.type, e.size, e.body, e.linkName])).toEqual([
        ['etc/', 'dir', 0, '', ''],
        ['a.txt', 'file', 5, 'hello', ''],
        ['very/long/prefix/name.txt', 'file', 8, 'prefixed', ''],
        ['skipped.bin', 'file', 1500, '', ''],
        ['link', 'symlink', 0, '', '../target'],
        ['hard', 'hardlink', 0, '', 'a.txt'],
      ]);
      expect(entries[0].mode).toBe(0o755);
    }
  });

  it('applies GNU long names/links and PAX path, linkpath and size', async () => {
    const long = 'd/'.repeat(80) + 'file.txt';
    const tar = buildTar([
      { name: 'short', gnuLongName: long, content: 'gnu' },
      { name: 'l', type: '2', gnuLongLink: '/' + 'x'.repeat(200) },
      { name: 'ignored', pax: { path: 'pax/ünïcode.txt', linkpath: 'unused' }, content: 'pax' },
      { name: 'sized.txt', pax: { size: '3' }, size: 999, content: 'abc' },
      { name: 'after.txt', content: 'ok' },
    ]);
    const entries = await read(tar);
    expect(entries.map((e) => [e.name, e.body, e.linkName])).toEqual([
      [long, 'gnu', ''],
      ['l', '', '/' + 'x'.repeat(200)],
      ['pax/ünïcode.txt', 'pax', 'unused'],
      ['sized.txt', 'abc', ''],
      ['after.txt', 'ok', ''],
    ]);
  });

  it('applies PAX global headers to every later entry, local ones override', async () => {
    const g = tarEntry({ name: 'g', type: 'g', content: Buffer.from('19 linkpath=global\n') });
    const tar = Buffer.concat([g, tarEntry({ name: 'a', type: '2' }), tarEntry({ name: 'b', type: '2', pax: { linkpath: 'local' } }), TAR_END]);
    expect((await read(tar)).map((e) => e.linkName)).toEqual(['global', 'local']);
  });

  it('reads GNU base-256 sizes', async () => {
    const tar = buildTar([{ name: 'big.txt', content: 'x'.repeat(10), base256Size: true }, { name: 'next.txt', content: 'n' }]);
    expect((await read(tar)).map((e) => [e.size, e.body])).toEqual([
      [10, 'x'.repeat(10)],
      [1, 'n'],
    ]);
  });

  it('accepts a missing end marker and a single zero block', async () => {
    expect(await read(buildTar([{ name: 'a.txt', content: 'a' }], false))).toHaveLength(1);
    expect(await read(Buffer.concat([tarEntry({ name: 'a.txt', content: 'a' }), Buffer.alloc(512)]))).toHaveLength(1);
  });

  it('rejects corrupt and hostile headers with codes', async () => {
    expect(await code(buildTar([{ name: 'a', badChecksum: true }]))).toBe('malformed-tar');
    expect(await code(Buffer.concat([tarEntry({ name: 'a.txt', content: 'x'.repeat(600) }).subarray(0, 900)]))).toBe('truncated');
    expect(await code(tarHeader({ name: 'a' }).subarray(0, 300))).toBe('truncated');
    const many = buildTar(Array.from({ length: 20 }, (_, i) => ({ name: `f${i}` })));
    expect(await code(many, { ...OPTS, maxEntries: 10 })).toBe('too-many-entries');
    expect(await code(buildTar([{ name: 'x', gnuLongName: 'y'.repeat(5000) }]))).toBe('malformed-tar');
    expect(await code(buildTar([{ name: 'x', pax: { path: 'p'.repeat(70000) } }]))).toBe('malformed-tar');
    const badPax = Buffer.concat([tarEntry({ name: 'p', type: 'x', content: Buffer.from('99 path=x\n') }), tarEntry({ name: 'a' }), TAR_END]);
    expect(await code(badPax)).toBe('malformed-tar');
    const bad = tarHeader({ name: 'a' });
    bad.write('zz', 124, 'latin1');
    expect(await code(bad)).toBe('malformed-tar');
    expect(await code(Buffer.concat([Buffer.alloc(512), tarEntry({ name: 'after' })]))).toBe('malformed-tar');
  });

  it('reports the offset of each body', async () => {
    const tar = buildTar([{ name: 'a.txt', content: 'a' }, { name: 'b.txt', pax: { path: 'b2.txt' }, content: 'bb' }]);
    const entries = await read(tar);
    expect(tar.subarray(entries[0].dataOffset, entries[0].dataOffset + 1).toString()).toBe('a');
    expect(tar.subarray(entries[1].dataOffset, entries[1].dataOffset + 2).toString()).toBe('bb');
  });
});
