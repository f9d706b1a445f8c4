/**
 * The facts `fleet publish` needs about a zip it did not just write: SHA-256, size and number of entries
 * (from the end of central directory, ZIP64 aware), after checking every entry of the central directory
 * against the rules the deployer applies (core/entry-rules.ts): an archive the deployer would refuse is
 * refused here, before it becomes a permanent artifact. Refuses what is not a zip, and a directory.
 */
import { createHash } from "node:crypto";
import { constants, createReadStream } from "node:fs";
import { open, type FileHandle } from "node:fs/promises";
import { entryKind, entryProblems, type EntryInfo } from "../../core/entry-rules";
import { PackageError } from "../errors";

export interface ZipFacts {
  readonly sha256: string;
  readonly size: number;
  readonly files: number;
}

/** A central directory larger than this is not one `fleet package` writes (≈ 1.5 million entries). */
const MAX_CENTRAL_DIRECTORY = 256 * 1024 * 1024;
const FLAG_UTF8 = 0x0800;

async function sha256File(file: string): Promise<string> {
  const hash = createHash("sha256");
  for await (const chunk of createReadStream(file)) hash.update(chunk as Buffer);
  return hash.digest("hex");
}

interface Directory {
  readonly count: number;
  readonly offset: number;
  readonly size: number;
}

/** Finds the end of central directory (and its ZIP64 record) in the file's tail. */
async function findDirectory(fh: FileHandle, file: string, size: number): Promise<Directory> {
  const tailLen = Math.min(size, 22 + 65535 + 20 + 56);
  const tail = Buffer.alloc(tailLen);
  await fh.read(tail, 0, tailLen, size - tailLen);
  let eocd = -1;
  for (let i = tailLen - 22; i >= 0; i--) {
    if (tail.readUInt32LE(i) === 0x06054b50) {
      eocd = i;
      break;
    }
  }
  if (eocd < 0) throw new PackageError(`${file} is not a zip archive (no end of central directory record); create it with fleet package`);
  let count = tail.readUInt16LE(eocd + 10);
  let cdSize = tail.readUInt32LE(eocd + 12);
  let cdOffset = tail.readUInt32LE(eocd + 16);
  if ((count === 0xffff || cdSize === 0xffffffff || cdOffset === 0xffffffff) && eocd >= 20 && tail.readUInt32LE(eocd - 20) === 0x07064b50) {
    const z64At = Number(tail.readBigUInt64LE(eocd - 20 + 8));
    const z = Buffer.alloc(56);
    await fh.read(z, 0, 56, z64At);
    if (z.readUInt32LE(0) === 0x06064b50) {
      count = Number(z.readBigUInt64LE(32));
      cdSize = Number(z.readBigUInt64LE(40));
      cdOffset = Number(z.readBigUInt64LE(48));
    }
  }
  if (cdOffset + cdSize > size || cdSize > MAX_CENTRAL_DIRECTORY) throw new PackageError(`${file}: the central directory (${cdSize} bytes at offset ${cdOffset}) does not fit the file; the zip is damaged`);
  return { count, offset: cdOffset, size: cdSize };
}

function decodeName(bytes: Buffer, flags: number): string {
  // Non-UTF-8 bytes become U+FFFD, which the entry rules refuse with the entry named.
  if (flags & FLAG_UTF8 || bytes.some((b) => b >= 0x80)) return new TextDecoder("utf-8").decode(bytes);
  return bytes.toString("latin1");
}

/** The entries of the central directory, as the deployer's rules see them. */
async function readEntries(fh: FileHandle, file: string, dir: Directory): Promise<EntryInfo[]> {
  const cd = Buffer.alloc(dir.size);
  await fh.read(cd, 0, dir.size, dir.offset);
  const entries: EntryInfo[] = [];
  let at = 0;
  while (at + 46 <= cd.length && cd.readUInt32LE(at) === 0x02014b50) {
    const madeBy = cd.readUInt16LE(at + 4);
    const flags = cd.readUInt16LE(at + 8);
    const uncompressed = cd.readUInt32LE(at + 24);
    const nameLen = cd.readUInt16LE(at + 28);
    const extraLen = cd.readUInt16LE(at + 30);
    const commentLen = cd.readUInt16LE(at + 32);
    const external = cd.readUInt32LE(at + 38);
    const fileName = decodeName(cd.subarray(at + 46, at + 46 + nameLen), flags);
    entries.push({ fileName, kind: entryKind(fileName, external, madeBy), uncompressedSize: uncompressed });
    at += 46 + nameLen + extraLen + commentLen;
  }
  if (entries.length !== dir.count) throw new PackageError(`${file}: the central directory lists ${entries.length} entries where the end record says ${dir.count}; the zip is damaged`);
  return entries;
}

export async function inspectZip(file: string): Promise<ZipFacts> {
  let fh;
  try {
    // Non-blocking: opening a FIFO must not wait for a writer; it is refused below like any non-file.
    fh = await open(file, constants.O_RDONLY | constants.O_NONBLOCK);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    throw new PackageError(`cannot read ${file}: ${code === "ENOENT" ? "no such file" : code === "EACCES" ? "permission denied" : (code ?? String(err))}`);
  }
  try {
    const st = await fh.stat();
    if (st.isDirectory()) throw new PackageError(`${file} is a directory; fleet publish takes the zip file (make one with: fleet package ${file} --out <file.zip>)`);
    if (!st.isFile()) throw new PackageError(`${file} is not a regular file (a device, FIFO or socket); fleet publish takes the zip file`);
    const dir = await findDirectory(fh, file, st.size);
    const problems = entryProblems(await readEntries(fh, file, dir));
    if (problems.length > 0) {
      throw new PackageError(`${file}: the deployer would refuse this archive; ${problems.length} problem${problems.length === 1 ? "" : "s"}:\n${problems.map((p) => `  - ${p}`).join("\n")}\nPackage the tree with fleet package, which applies the same rules.`);
    }
    return { sha256: await sha256File(file), size: st.size, files: dir.count };
  } finally {
    await fh.close();
  }
}
