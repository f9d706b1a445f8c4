/** The pipe's `MODE: 'rollout'` against moto: start the rollout of a published version, once. */
import type { S3Client } from "@aws-sdk/client-s3";
import { cpSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { createS3 } from "../../pipe/aws";
import type { PipeResult } from "../../pipe/result";
import { run } from "../../pipe/run";
import { removeDir, tempDir, writeTree } from "../helpers/fs";
import { describeWithMoto, startMoto, type Moto } from "../helpers/moto";
import { centralBucket, listKeys } from "./moto-setup";

describeWithMoto("pipe MODE: rollout against moto", () => {
  let moto: Moto;
  let s3: S3Client;
  let dir: string;

  beforeAll(async () => {
    moto = await startMoto();
    s3 = createS3(moto.env);
    dir = tempDir("fleet-pipe-rollout-");
    await centralBucket(s3, dir, ["3.1.0-build.7"]);
    writeTree(join(dir, "clone"), { "package.json": JSON.stringify({ name: "payments", version: "3.1.0" }) });
    cpSync(join(__dirname, "../../environments"), join(dir, "clone", "environments"), { recursive: true });
  });
  afterAll(async () => {
    s3?.destroy();
    await moto?.stop();
    removeDir(dir);
  });

  async function pipe(extra: Record<string, string>): Promise<{ code: number; lines: string[]; result: PipeResult }> {
    let out = "";
    const storage = join(dir, "storage");
    const env = {
      PATH: process.env.PATH ?? "",
      BITBUCKET_CLONE_DIR: join(dir, "clone"),
      BITBUCKET_PIPE_STORAGE_DIR: storage,
      BITBUCKET_BUILD_NUMBER: "7",
      BITBUCKET_REPO_FULL_NAME: "acme/payments",
      ...moto.env,
      MODE: "rollout",
      ...extra,
    };
    const code = await run({ env, stdout: { write: (t: string) => (out += t) } });
    return { code, lines: out.trim().split("\n"), result: JSON.parse(readFileSync(join(storage, "result.json"), "utf8")) as PipeResult };
  }

  it("starts the rollout of the version this pipeline published (package.json + build number), and a re-run does not start another", async () => {
    // Act
    const first = await pipe({});
    const again = await pipe({});
    // Assess
    expect(first.code).toBe(0);
    expect(first.lines.at(-1)).toMatch(/^✔ started rollout (\S+) of payments-api 3\.1\.0-build\.7: 3 tenants in 3 waves; follow it with fleet rollout status --rollout \1$/);
    expect(first.result).toMatchObject({ mode: "rollout", ok: true, version: "3.1.0-build.7", rolloutId: expect.stringMatching(/^\d{8}T\d{6}Z-[0-9a-f]{8}$/) as unknown });
    expect((await listKeys(s3, "releases/")).map((k) => k.split("/").slice(0, 4).join("/"))).toEqual(["releases/alpha/payments-api/3.1.0-build.7"]);
    // The status page in the storage dir, with the rollout's part.
    expect(first.result.statusPage?.file).toBe(join(dir, "storage", "status.html"));
    expect(readFileSync(join(dir, "storage", "status.html"), "utf8")).toContain(`Rollout <code>${first.result.rolloutId ?? ""}</code> of 3.1.0-build.7`);
    expect(again.code).toBe(0);
    expect(again.lines.at(-1)).toBe(`✔ rollout ${first.result.rolloutId ?? ""} of payments-api 3.1.0-build.7 is already running; not started again (fleet rollout status --rollout ${first.result.rolloutId ?? ""})`);
    expect(await listKeys(s3, "rollouts/")).toEqual([`rollouts/payments-api/${first.result.rolloutId ?? ""}/state.json`]);
  });

  it("fails with one line naming the problem when the version is not published", async () => {
    const r = await pipe({ VERSION: "9.9.9" });
    expect(r.code).toBe(1);
    expect(r.lines.at(-1)).toContain("payments-api 9.9.9 is not published (no manifest): publish it first");
  });
});
