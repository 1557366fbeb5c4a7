/**
 * The rpm header as stored in the rpm database (no lead, no 8-byte header magic):
 *
 *   int32 il (index entry count), int32 dl (data store size), il × 16-byte entries
 *   {int32 tag, uint32 type, int32 offset, uint32 count}, then dl bytes of data.
 *
 * All integers big-endian. Only the types needed for package identity are decoded.
 */

export const RPMTAG = {
  NAME: 1000,
  VERSION: 1001,
  RELEASE: 1002,
  EPOCH: 1003,
  SUMMARY: 1004,
  VENDOR: 1011,
  LICENSE: 1014,
  ARCH: 1022,
  SOURCERPM: 1044,
  MODULARITYLABEL: 5096,
} as const;

const TYPE = { INT8: 2, INT16: 3, INT32: 4, INT64: 5, STRING: 6, BIN: 7, STRING_ARRAY: 8, I18NSTRING: 9 } as const;

/** rpm's own sanity limits (header.c: HEADER_TAGS_MAX, HEADER_DATA_MAX). */
const MAX_INDEX = 0x0000ffff;
const MAX_DATA = 0x0fffffff;

export class RpmHeaderError extends Error {}

export interface RpmHeader {
  string(tag: number): string | undefined;
  int32(tag: number): number | undefined;
}

export function parseRpmHeader(blob: Uint8Array): RpmHeader {
  const buf = Buffer.from(blob.buffer, blob.byteOffset, blob.byteLength);
  if (buf.length < 8) throw new RpmHeaderError(`header blob of ${buf.length} bytes is too short`);
  const il = buf.readUInt32BE(0);
  const dl = buf.readUInt32BE(4);
  if (il < 1 || il > MAX_INDEX) throw new RpmHeaderError(`header index count ${il} out of range`);
  if (dl > MAX_DATA) throw new RpmHeaderError(`header data size ${dl} out of range`);
  const dataStart = 8 + il * 16;
  if (dataStart + dl > buf.length) throw new RpmHeaderError(`header claims ${il} entries and ${dl} data bytes but the blob has ${buf.length}`);
  const data = buf.subarray(dataStart, dataStart + dl);
  const entries = new Map<number, { type: number; offset: number; count: number }>();
  for (let i = 0; i < il; i++) {
    const at = 8 + i * 16;
    const tag = buf.readInt32BE(at);
    const type = buf.readUInt32BE(at + 4);
    const offset = buf.readInt32BE(at + 8);
    const count = buf.readUInt32BE(at + 12);
    if (offset < 0 || offset > dl) throw new RpmHeaderError(`tag ${tag} points outside the data store`);
    if (!entries.has(tag)) entries.set(tag, { type, offset, count });
  }

  const cString = (offset: number): string | undefined => {
    const end = data.indexOf(0, offset);
    if (end < 0) return undefined;
    return data.toString('utf8', offset, end);
  };

  return {
    string(tag) {
      const e = entries.get(tag);
      if (!e) return undefined;
      if (e.type === TYPE.STRING || e.type === TYPE.STRING_ARRAY || e.type === TYPE.I18NSTRING) return cString(e.offset);
      return undefined;
    },
    int32(tag) {
      const e = entries.get(tag);
      if (!e || e.type !== TYPE.INT32 || e.count < 1 || e.offset + 4 > dl) return undefined;
      return data.readInt32BE(e.offset);
    },
  };
}
