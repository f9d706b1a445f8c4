/**
 * The facts `fleet publish` needs about a zip it did not just write: SHA-256, size and number of entries
 * (read from the end of central directory, ZIP64 aware). Refuses what is not a zip.
 */
import { createHash } from "node:crypto";
import { createReadStream } from "node:fs";
import { open } from "node:fs/promises";
import { PackageError } from "../errors";

export interface ZipFacts {
  readonly sha256: string;
  readonly size: number;
  readonly files: number;
}

async function sha256File(file: string): Promise<string> {
  const hash = createHash("sha256");
  for await (const chunk of createReadStream(file)) hash.update(chunk as Buffer);
  return hash.digest("hex");
}

export async function inspectZip(file: string): Promise<ZipFacts> {
  let fh;
  try {
    fh = await open(file, "r");
  } catch (err) {
    throw new PackageError(`cannot read ${file}: ${(err as NodeJS.ErrnoException).code ?? String(err)}`);
  }
  try {
    const { size } = await fh.stat();
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
    let files = tail.readUInt16LE(eocd + 10);
    if (files === 0xffff && eocd >= 20 && tail.readUInt32LE(eocd - 20) === 0x07064b50) {
      const z64At = Number(tail.readBigUInt64LE(eocd - 20 + 8));
      const z = Buffer.alloc(56);
      await fh.read(z, 0, 56, z64At);
      if (z.readUInt32LE(0) === 0x06064b50) files = Number(z.readBigUInt64LE(32));
    }
    return { sha256: await sha256File(file), size, files };
  } finally {
    await fh.close();
  }
}
