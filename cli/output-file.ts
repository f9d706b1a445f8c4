/**
 * Writing a file a user named with `--out`: only a regular file (or nothing) is replaced. A directory, a
 * device, a FIFO (writing would wait for a reader forever) or a socket is refused, and so is a symbolic
 * link (never write through one). The file is written beside and renamed, so it is never half-written.
 */
import { lstatSync, mkdirSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { dirname } from "node:path";
import { FleetError } from "../core/errors";

export function writeOutputFile(path: string, text: string, shown = path): void {
  let st;
  try {
    st = lstatSync(path);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === "ENOTDIR") throw new FleetError(`cannot write ${shown}: a part of its directory path is a file, not a directory`);
    if (code !== "ENOENT") throw new FleetError(`cannot write ${shown}: ${code ?? String(err)}`);
  }
  if (st?.isSymbolicLink()) throw new FleetError(`cannot write ${shown}: it is a symbolic link; remove it or choose another --out`);
  if (st?.isDirectory()) throw new FleetError(`cannot write ${shown}: it is a directory; --out names the file to write`);
  if (st && !st.isFile()) throw new FleetError(`cannot write ${shown}: it is a device, FIFO or socket, not a regular file`);
  try {
    mkdirSync(dirname(path), { recursive: true });
  } catch {
    throw new FleetError(`cannot write ${shown}: a part of its directory path is a file, not a directory`);
  }
  const tmp = `${path}.tmp-${process.pid}`;
  rmSync(tmp, { force: true });
  writeFileSync(tmp, text, { flag: "wx" });
  renameSync(tmp, path);
}
