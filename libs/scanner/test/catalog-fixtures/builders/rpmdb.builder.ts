import initSqlJs from 'sql.js';

/**
 * Builds an rpmdb.sqlite the way rpm ≥ 4.16 lays it out (table `Packages(hnum, blob)`), with
 * header blobs in rpm's binary format. Unit tests only: the integration suite uses real rpm.
 */

export type RpmTagValue = { tag: number; type: 'string' | 'int32' | 'i18n' | 'string-array'; value: string | number | string[] };

export function rpmHeaderBlob(tags: RpmTagValue[]): Buffer {
  const entries: Buffer[] = [];
  const data: Buffer[] = [];
  let dl = 0;
  for (const t of tags) {
    let bytes: Buffer;
    let type: number;
    let count = 1;
    if (t.type === 'int32') {
      const pad = (4 - (dl % 4)) % 4;
      if (pad) {
        data.push(Buffer.alloc(pad));
        dl += pad;
      }
      bytes = Buffer.alloc(4);
      bytes.writeInt32BE(t.value as number);
      type = 4;
    } else if (t.type === 'string-array') {
      const list = t.value as string[];
      bytes = Buffer.from(list.map((s) => s + '\0').join(''));
      type = 8;
      count = list.length;
    } else {
      bytes = Buffer.from(String(t.value) + '\0');
      type = t.type === 'i18n' ? 9 : 6;
    }
    const e = Buffer.alloc(16);
    e.writeInt32BE(t.tag, 0);
    e.writeUInt32BE(type, 4);
    e.writeInt32BE(dl, 8);
    e.writeUInt32BE(count, 12);
    entries.push(e);
    data.push(bytes);
    dl += bytes.length;
  }
  const head = Buffer.alloc(8);
  head.writeUInt32BE(tags.length, 0);
  head.writeUInt32BE(dl, 4);
  return Buffer.concat([head, ...entries, ...data]);
}

export async function buildRpmdbSqlite(blobs: Buffer[], opts: { table?: string } = {}): Promise<Buffer> {
  const SQL = await initSqlJs();
  const db = new SQL.Database();
  db.run(`CREATE TABLE '${opts.table ?? 'Packages'}' (hnum INTEGER PRIMARY KEY AUTOINCREMENT, blob BLOB NOT NULL)`);
  const stmt = db.prepare(`INSERT INTO '${opts.table ?? 'Packages'}' (blob) VALUES (?)`);
  for (const b of blobs) stmt.run([new Uint8Array(b)]);
  stmt.free();
  const out = Buffer.from(db.export());
  db.close();
  return out;
}
