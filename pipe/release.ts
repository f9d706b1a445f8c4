/**
 * One release object per target environment, written last and
 * only after HeadObject confirms the artifact and the manifest (and their SHA-256 agree). Targets are
 * environment names or `wave:N`, resolved from the fleet config. The request is all or nothing: an unknown
 * target, an environment on `hold` or pinned to another version refuses the whole request before anything
 * is written, every reason listed.
 */
import { GetObjectCommand, HeadObjectCommand, PutObjectCommand, type S3Client } from "@aws-sdk/client-s3";
import { randomBytes } from "node:crypto";
import type { FleetConfig } from "../core/config/schema";
import { artifactKey, manifestKey, releaseKey } from "../core/keys";
import { NAME_RE } from "../core/patterns";
import { ManifestSchema, RELEASE_SCHEMA, ReleaseSchema, type Release } from "../core/records";
import { MAX_REASON_LENGTH, MAX_REQUESTED_BY_LENGTH, releaseTextProblem } from "../core/release-text";
import { formatReleaseId, isValidVersion } from "../core/version";
import { errorName, httpStatus } from "./aws";
import { ReleaseError } from "./errors";

export interface ReleaseInput {
  readonly s3: S3Client;
  readonly bucket: string;
  readonly fleet: FleetConfig;
  readonly app: string;
  readonly version: string;
  /** Environment names and/or `wave:N`. */
  readonly targets: readonly string[];
  readonly requestedBy: string;
  readonly reason?: string;
  /** How messages name the reason: `--reason` on the command line, `RELEASE_REASON` in the pipe. @default "the reason" */
  readonly reasonName?: string;
  /** How messages name the requester. @default "the requester" */
  readonly requestedByName?: string;
  readonly allowDowngrade?: boolean;
  readonly now?: () => Date;
}

export interface WrittenRelease {
  readonly env: string;
  readonly key: string;
  readonly releaseId: string;
}

/** Environment names for the targets, in fleet order, without duplicates; problems collected. */
export function resolveTargets(fleet: FleetConfig, targets: readonly string[], version: string): { envs: string[]; problems: string[] } {
  const problems: string[] = [];
  const chosen = new Set<string>();
  const byName = new Map(fleet.environments.map((e) => [e.name, e]));
  if (targets.length === 0) problems.push("no target: give environment names or wave:N");
  for (const t of targets) {
    const wave = /^wave:(\d+)$/.exec(t);
    if (wave) {
      const n = Number(wave[1]);
      const envs = fleet.environments.filter((e) => e.wave === n);
      if (envs.length === 0) problems.push(`${t}: no environment is in wave ${n} (waves in use: ${[...new Set(fleet.environments.map((e) => e.wave))].sort((a, b) => a - b).join(", ") || "none"})`);
      envs.forEach((e) => chosen.add(e.name));
    } else if (byName.has(t)) {
      chosen.add(t);
    } else {
      problems.push(
        `${JSON.stringify(t)} is neither an environment of this fleet nor wave:N` + (NAME_RE.test(t) ? ` (environments: ${fleet.environments.map((e) => e.name).join(", ")})` : ""),
      );
    }
  }
  for (const name of chosen) {
    const env = byName.get(name)!;
    if (env.hold) problems.push(`${name} is on hold (hold: true in ${env.file}): no new releases reach it until the hold is lifted`);
    if (env.pin !== undefined && env.pin !== version) problems.push(`${name} is pinned to ${env.pin} (pin in ${env.file}); refusing to release ${version} there`);
  }
  const envs = fleet.environments.map((e) => e.name).filter((n) => chosen.has(n));
  return { envs, problems };
}

async function confirmArtifact(input: ReleaseInput): Promise<string> {
  const aKey = artifactKey(input.app, input.version);
  const mKey = manifestKey(input.app, input.version);
  const where = `s3://${input.bucket}/`;
  const head = async (key: string) => {
    try {
      return await input.s3.send(new HeadObjectCommand({ Bucket: input.bucket, Key: key }));
    } catch (err) {
      if (httpStatus(err) === 404 || errorName(err) === "NotFound") throw new ReleaseError(`${input.app} ${input.version} is not published: ${where}${key} does not exist. Publish it first (the pipe, or fleet publish).`);
      throw new ReleaseError(`cannot read ${where}${key}: ${errorName(err)}: ${(err as Error).message}`, { cause: err });
    }
  };
  const artifact = await head(aKey);
  await head(mKey);
  const got = await input.s3.send(new GetObjectCommand({ Bucket: input.bucket, Key: mKey }));
  const parsed = ManifestSchema.safeParse(JSON.parse(await got.Body!.transformToString()));
  if (!parsed.success) throw new ReleaseError(`${where}${mKey} is not a valid manifest: ${parsed.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`).join("; ")}`);
  const manifest = parsed.data;
  if (manifest.app !== input.app || manifest.version !== input.version) throw new ReleaseError(`${where}${mKey} describes ${manifest.app} ${manifest.version}, not ${input.app} ${input.version}`);
  const recorded = artifact.Metadata?.sha256;
  if (recorded !== manifest.sha256) throw new ReleaseError(`${where}${aKey} has sha256 ${recorded ?? "(none)"} but its manifest says ${manifest.sha256}: refusing to release an artifact that does not match its manifest`);
  if (artifact.ContentLength !== undefined && artifact.ContentLength !== manifest.size) throw new ReleaseError(`${where}${aKey} is ${artifact.ContentLength} bytes but its manifest says ${manifest.size}`);
  return manifest.sha256;
}

export async function releaseVersion(input: ReleaseInput): Promise<WrittenRelease[]> {
  if (!isValidVersion(input.version)) throw new ReleaseError(`version ${JSON.stringify(input.version)} is not a SemVer version without build metadata (e.g. 1.4.2, 1.5.0-rc.1)`);
  if (!NAME_RE.test(input.app)) throw new ReleaseError(`app ${JSON.stringify(input.app)} is not a valid name (${NAME_RE.source})`);
  if (input.app !== input.fleet.app.name) throw new ReleaseError(`app ${input.app} is not this fleet's app (${input.fleet.app.name})`);
  const { envs, problems } = resolveTargets(input.fleet, input.targets, input.version);
  const requestedBy = input.requestedBy === "" ? "unknown" : input.requestedBy;
  for (const p of [releaseTextProblem(input.reasonName ?? "the reason", input.reason ?? "", MAX_REASON_LENGTH), releaseTextProblem(input.requestedByName ?? "the requester", requestedBy, MAX_REQUESTED_BY_LENGTH)]) if (p) problems.push(p);
  if (problems.length > 0) throw new ReleaseError(`release of ${input.app} ${input.version} refused, nothing written:\n` + problems.map((p) => `  - ${p}`).join("\n"));
  const sha256 = await confirmArtifact(input);
  const now = input.now ?? (() => new Date());
  const records: Release[] = envs.map((env) => {
    const at = now();
    return ReleaseSchema.parse({
      schema: RELEASE_SCHEMA,
      env,
      app: input.app,
      version: input.version,
      artifactKey: artifactKey(input.app, input.version),
      artifactSha256: sha256,
      releaseId: formatReleaseId(at, randomBytes(4).toString("hex")),
      requestedBy,
      reason: input.reason ?? "",
      allowDowngrade: input.allowDowngrade ?? false,
      createdAt: at.toISOString(),
    });
  });
  const written: WrittenRelease[] = [];
  const failures: string[] = [];
  // Environments are independent: write them concurrently, in bounded groups.
  for (let i = 0; i < records.length; i += 16) {
    await Promise.all(
      records.slice(i, i + 16).map(async (r) => {
        const key = releaseKey(r.env, r.app, r.version, r.releaseId);
        try {
          await input.s3.send(new PutObjectCommand({ Bucket: input.bucket, Key: key, Body: `${JSON.stringify(r, null, 2)}\n`, ContentType: "application/json", IfNoneMatch: "*", ChecksumAlgorithm: "SHA256" }));
          written.push({ env: r.env, key, releaseId: r.releaseId });
        } catch (err) {
          failures.push(`${r.env}: ${errorName(err)}: ${(err as Error).message}`);
        }
      }),
    );
  }
  if (failures.length > 0) {
    throw new ReleaseError(
      `${failures.length} of ${records.length} release objects could not be written:\n${failures.map((f) => `  - ${f}`).join("\n")}` +
        (written.length > 0 ? `\nwritten: ${written.map((w) => w.env).join(", ")} (those environments will deploy; re-run for the others)` : ""),
    );
  }
  return envs.map((e) => written.find((w) => w.env === e)!);
}
