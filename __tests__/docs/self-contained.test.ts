/**
 * The repository explains itself: no tracked file points a reader at a document they cannot open (a design
 * file or research notes kept outside the repository, their section numbers) or at an issue number of a
 * tracker they may not see. Say it in the repository's own words instead.
 */
import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { join } from "node:path";

const root = join(__dirname, "..", "..");

// Built from parts, so that this file does not match itself.
const RULES: readonly [RegExp, string][] = [
  [new RegExp(["DESIGN", "\\.md"].join("")), "the outside design file"],
  [new RegExp(["§", "\\s?\\d"].join("")), "a section number"],
  [new RegExp(["(^|[^/\\w.-])", "reference", "/[\\w-]"].join(""), "i"), "the outside research notes"],
  [new RegExp(["(aws-event-chain|toolchain-measurements|style-by-example|rollout-and-lifecycle|bitbucket-pipe-and-sonar)", "\\.md"].join("")), "the outside research notes"],
  [new RegExp(["toolchain", "-measurements"].join("")), "the outside research notes"],
  [new RegExp(["reference", " §"].join(""), "i"), "the outside research notes"],
  [new RegExp(["\\.\\./", "shared"].join("")), "a directory outside the repository"],
  [new RegExp(["\\bissue", "s?\\s#?\\d+"].join(""), "i"), "an issue number"],
];

function trackedTextFiles(): string[] {
  const files = execFileSync("git", ["ls-files", "-z"], { cwd: root, encoding: "utf8" }).split("\0").filter(Boolean);
  // This file names the patterns it looks for.
  return files.filter((f) => !/\.(png|jpg|gif|zip|ico)$/.test(f) && f !== "package-lock.json" && f !== "__tests__/docs/self-contained.test.ts");
}

describe("the repository is self-contained", () => {
  it("no tracked file cites a document outside the repository, its section numbers, or an issue number", () => {
    const hits: string[] = [];
    for (const file of trackedTextFiles()) {
      let text: string;
      try {
        text = readFileSync(join(root, file), "utf8");
      } catch {
        continue; // deleted in the working tree
      }
      text.split("\n").forEach((line, i) => {
        for (const [re, what] of RULES) if (re.test(line)) hits.push(`${file}:${i + 1}: ${what}: ${line.trim().slice(0, 120)}`);
      });
    }
    expect(hits).toEqual([]);
  });
});
