/**
 * The documents' links to other files of the repository lead somewhere: a reader following the README to
 * docs/architecture.md, or the pipe's README to its release procedure, finds the file (and the heading).
 */
import { execFileSync } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { dirname, join, normalize } from "node:path";

const root = join(__dirname, "..", "..");
const markdown = execFileSync("git", ["ls-files", "-z", "*.md"], { cwd: root, encoding: "utf8" }).split("\0").filter(Boolean);

/** GitHub/Bitbucket heading anchors: lower case, punctuation dropped, spaces to dashes. */
const anchor = (heading: string): string => heading.trim().toLowerCase().replace(/[^\w\s-]/g, "").replace(/\s/g, "-");

describe("links between the repository's documents", () => {
  it("every relative link names a file that exists, and an anchor names a heading of it", () => {
    const broken: string[] = [];
    for (const file of markdown) {
      let text: string;
      try {
        text = readFileSync(join(root, file), "utf8");
      } catch {
        continue;
      }
      for (const m of text.matchAll(/\]\(([^)\s]+)\)/g)) {
        const target = m[1] ?? "";
        if (/^(https?:|mailto:|#)/.test(target)) continue;
        const [path = "", hash] = target.split("#");
        const resolved = normalize(join(dirname(join(root, file)), path));
        if (!existsSync(resolved)) {
          broken.push(`${file}: ${target} (no such file)`);
          continue;
        }
        if (hash !== undefined && resolved.endsWith(".md")) {
          const headings = [...readFileSync(resolved, "utf8").matchAll(/^#+ (.+)$/gm)].map((h) => anchor(h[1] ?? ""));
          if (!headings.includes(hash)) broken.push(`${file}: ${target} (no heading #${hash})`);
        }
      }
    }
    expect(broken).toEqual([]);
  });
});
