/**
 * ZIP record encoders (APPNOTE 6.3.x): local file header, data descriptor, central directory header,
 * ZIP64 end records and the end of central directory. Only what a deterministic writer needs: every
 * entry has the same fixed DOS time, UTF-8 names, Unix modes; ZIP64 fields appear only where a size,
 * offset or count does not fit the classic fields, so small archives stay plain ZIP 2.0.
 */

export const METHOD_STORED = 0;
export const METHOD_DEFLATED = 8;

/** General purpose flag bits. */
const FLAG_DATA_DESCRIPTOR = 0x0008;
const FLAG_UTF8 = 0x0800;

/** 1980-01-01 00:00:00, the earliest DOS date: the same on every machine and in every time zone. */
export const DOS_DATE = (0 << 9) | (1 << 5) | 1;
export const DOS_TIME = 0;

const MAX32 = 0xffffffff;
const MAX16 = 0xffff;
/** "Made by" Unix (3), spec 2.0 / 4.5: the high byte makes unzip honour the Unix mode bits. */
const MADE_BY_UNIX = 3 << 8;

export interface CentralEntry {
  readonly name: Buffer;
  readonly method: number;
  readonly crc: number;
  readonly compressedSize: number;
  readonly size: number;
  readonly offset: number;
  /** 0o644 or 0o755. */
  readonly mode: number;
  readonly dataDescriptor: boolean;
}

function flags(name: Buffer, dataDescriptor: boolean): number {
  // Bit 11 only when the name is not plain ASCII: Info-ZIP does the same, and plain names stay readable everywhere.
  const ascii = name.every((b) => b < 0x80);
  return (ascii ? 0 : FLAG_UTF8) | (dataDescriptor ? FLAG_DATA_DESCRIPTOR : 0);
}

/**
 * Local header. With `dataDescriptor`, CRC and sizes are zero here and follow the data; `zip64` (only
 * for streamed entries that may exceed 4 GiB) adds a ZIP64 extra with zero sizes, as APPNOTE 4.3.9.2 asks.
 */
export function localHeader(e: { name: Buffer; method: number; crc: number; compressedSize: number; size: number; dataDescriptor: boolean; zip64: boolean }): Buffer {
  const extraLen = e.zip64 ? 20 : 0;
  const b = Buffer.alloc(30 + e.name.length + extraLen);
  b.writeUInt32LE(0x04034b50, 0);
  b.writeUInt16LE(e.zip64 ? 45 : 20, 4);
  b.writeUInt16LE(flags(e.name, e.dataDescriptor), 6);
  b.writeUInt16LE(e.method, 8);
  b.writeUInt16LE(DOS_TIME, 10);
  b.writeUInt16LE(DOS_DATE, 12);
  if (e.zip64) {
    b.writeUInt32LE(0, 14);
    b.writeUInt32LE(MAX32, 18);
    b.writeUInt32LE(MAX32, 22);
  } else {
    b.writeUInt32LE(e.crc >>> 0, 14);
    b.writeUInt32LE(e.compressedSize, 18);
    b.writeUInt32LE(e.size, 22);
  }
  b.writeUInt16LE(e.name.length, 26);
  b.writeUInt16LE(extraLen, 28);
  e.name.copy(b, 30);
  if (e.zip64) {
    const x = 30 + e.name.length;
    b.writeUInt16LE(0x0001, x);
    b.writeUInt16LE(16, x + 2);
    // sizes are zero: they follow in the (8-byte) data descriptor
  }
  return b;
}

/** Data descriptor with its signature; 8-byte sizes when the local header carried a ZIP64 extra. */
export function dataDescriptor(crc: number, compressedSize: number, size: number, zip64: boolean): Buffer {
  const b = Buffer.alloc(zip64 ? 24 : 16);
  b.writeUInt32LE(0x08074b50, 0);
  b.writeUInt32LE(crc >>> 0, 4);
  if (zip64) {
    b.writeBigUInt64LE(BigInt(compressedSize), 8);
    b.writeBigUInt64LE(BigInt(size), 16);
  } else {
    b.writeUInt32LE(compressedSize, 8);
    b.writeUInt32LE(size, 12);
  }
  return b;
}

export function centralHeader(e: CentralEntry): Buffer {
  const needSize = e.size >= MAX32;
  const needCsize = e.compressedSize >= MAX32;
  const needOffset = e.offset >= MAX32;
  const zip64Len = (needSize ? 8 : 0) + (needCsize ? 8 : 0) + (needOffset ? 8 : 0);
  const extraLen = zip64Len > 0 ? 4 + zip64Len : 0;
  const b = Buffer.alloc(46 + e.name.length + extraLen);
  b.writeUInt32LE(0x02014b50, 0);
  b.writeUInt16LE(MADE_BY_UNIX | (zip64Len > 0 ? 45 : 20), 4);
  b.writeUInt16LE(zip64Len > 0 ? 45 : 20, 6);
  b.writeUInt16LE(flags(e.name, e.dataDescriptor), 8);
  b.writeUInt16LE(e.method, 10);
  b.writeUInt16LE(DOS_TIME, 12);
  b.writeUInt16LE(DOS_DATE, 14);
  b.writeUInt32LE(e.crc >>> 0, 16);
  b.writeUInt32LE(needCsize ? MAX32 : e.compressedSize, 20);
  b.writeUInt32LE(needSize ? MAX32 : e.size, 24);
  b.writeUInt16LE(e.name.length, 28);
  b.writeUInt16LE(extraLen, 30);
  b.writeUInt16LE(0, 32); // comment length
  b.writeUInt16LE(0, 34); // disk number
  b.writeUInt16LE(0, 36); // internal attributes
  b.writeUInt32LE((((0o100000 | e.mode) << 16) >>> 0) >>> 0, 38); // regular file + mode in the high word
  b.writeUInt32LE(needOffset ? MAX32 : e.offset, 42);
  e.name.copy(b, 46);
  if (zip64Len > 0) {
    let x = 46 + e.name.length;
    b.writeUInt16LE(0x0001, x);
    b.writeUInt16LE(zip64Len, x + 2);
    x += 4;
    // APPNOTE 4.5.3: only the fields that overflowed, in this order.
    for (const [need, value] of [[needSize, e.size], [needCsize, e.compressedSize], [needOffset, e.offset]] as const) {
      if (!need) continue;
      b.writeBigUInt64LE(BigInt(value), x);
      x += 8;
    }
  }
  return b;
}

/** End records: ZIP64 end + locator when any count/size/offset overflows the classic fields. */
export function endRecords(count: number, cdOffset: number, cdSize: number): Buffer {
  const zip64 = count >= MAX16 || cdOffset >= MAX32 || cdSize >= MAX32;
  const parts: Buffer[] = [];
  if (zip64) {
    const z = Buffer.alloc(56);
    z.writeUInt32LE(0x06064b50, 0);
    z.writeBigUInt64LE(44n, 4);
    z.writeUInt16LE(MADE_BY_UNIX | 45, 12);
    z.writeUInt16LE(45, 14);
    z.writeUInt32LE(0, 16);
    z.writeUInt32LE(0, 20);
    z.writeBigUInt64LE(BigInt(count), 24);
    z.writeBigUInt64LE(BigInt(count), 32);
    z.writeBigUInt64LE(BigInt(cdSize), 40);
    z.writeBigUInt64LE(BigInt(cdOffset), 48);
    const loc = Buffer.alloc(20);
    loc.writeUInt32LE(0x07064b50, 0);
    loc.writeUInt32LE(0, 4);
    loc.writeBigUInt64LE(BigInt(cdOffset + cdSize), 8);
    loc.writeUInt32LE(1, 16);
    parts.push(z, loc);
  }
  const e = Buffer.alloc(22);
  e.writeUInt32LE(0x06054b50, 0);
  e.writeUInt16LE(0, 4);
  e.writeUInt16LE(0, 6);
  e.writeUInt16LE(Math.min(count, MAX16), 8);
  e.writeUInt16LE(Math.min(count, MAX16), 10);
  e.writeUInt32LE(Math.min(cdSize, MAX32), 12);
  e.writeUInt32LE(Math.min(cdOffset, MAX32), 16);
  e.writeUInt16LE(0, 20);
  parts.push(e);
  return Buffer.concat(parts);
}
