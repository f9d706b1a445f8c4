/** The deterministic zip writer, read back with a real unzip library. */
import { fromBuffer, type Entry } from "yauzl";
import { zipSync } from "../../stacks/zip";

function readZip(buffer: Buffer): Promise<Record<string, string>> {
  return new Promise((resolve, reject) => {
    fromBuffer(buffer, { lazyEntries: true }, (err, zip) => {
      if (err) return reject(err);
      const out: Record<string, string> = {};
      zip.on("entry", (entry: Entry) => {
        zip.openReadStream(entry, (e, stream) => {
          if (e) return reject(e);
          const chunks: Buffer[] = [];
          stream.on("data", (c: Buffer) => chunks.push(c));
          stream.on("end", () => {
            out[entry.fileName] = Buffer.concat(chunks).toString("utf8");
            zip.readEntry();
          });
        });
      });
      zip.on("end", () => resolve(out));
      zip.on("error", reject);
      zip.readEntry();
    });
  });
}

describe("Function: zipSync", () => {
  it("writes entries that unzip to the same bytes", async () => {
    const zip = zipSync([{ name: "index.js", data: Buffer.from("exports.handler = 1;\n".repeat(100)) }, { name: "index.js.map", data: Buffer.from("{}") }]);
    await expect(readZip(zip)).resolves.toEqual({ "index.js": "exports.handler = 1;\n".repeat(100), "index.js.map": "{}" });
  });

  it("gives the same bytes for the same files, whatever the time (deterministic source_code_hash)", () => {
    const entries = [{ name: "index.js", data: Buffer.from("a") }];
    expect(zipSync(entries).equals(zipSync(entries))).toBe(true);
  });
});
