/** The deployer's pure decisions: configuration, release/version/checksum guards, entry rules, log text. */
import { readDeployerConfig } from "../../deployer/config";
import { checkEntries, entryKind, unsafeNameReason } from "../../core/entry-rules";
import fc from "fast-check";
import { checkChecksums, checkRelease, checkReleaseKey, checkSupersedingRelease, checkVersion, laterReleaseKeys } from "../../deployer/guards";
import { LastMeaningfulLine, oneLine, redact } from "../../deployer/text";
import { RELEASE_SCHEMA } from "../../core/records";

const ID = "20261129T120000Z-0a1b2c3d";
const LATER = "20261129T130000Z-00000000";
const required = {
  FLEET_RELEASE_KEY: `releases/alpha/payments-api/1.2.0/${ID}.json`,
  FLEET_RELEASE_VERSION_ID: "v1",
  FLEET_APP: "payments-api",
  FLEET_VERSION: "1.2.0",
  FLEET_RELEASE_ID: ID,
  FLEET_ENVIRONMENT: "alpha",
  FLEET_ARTIFACT_BUCKET: "acme-fleet-artifacts",
  FLEET_APP_NAME: "payments-api",
  AWS_REGION: "eu-west-1",
};

describe("readDeployerConfig", () => {
  it("applies the documented defaults", () => {
    // Act
    const c = readDeployerConfig(required);
    // Assess
    expect(c).toMatchObject({
      centralRegion: "eu-west-1",
      hold: false,
      deployedVersionParameter: "/fleet/alpha/payments-api/deployed-version",
      workDir: undefined,
      applyCommand: undefined,
      terraformBin: "terraform",
      lockTimeout: "5m",
      buildId: "local",
    });
  });

  it("reports every bad variable in one error", () => {
    // Act + Assess
    expect(() => readDeployerConfig({ ...required, FLEET_HOLD: "yes", FLEET_APPLY_COMMAND: "terraform apply", FLEET_MAX_ARCHIVE_FILES: "-1", FLEET_VERSION: "v1" })).toThrow(
      'deployer configuration: FLEET_VERSION="v1" is not a SemVer version without build metadata; FLEET_HOLD="yes" is not "true" or "false"; FLEET_APPLY_COMMAND is not a JSON array of strings (argv), e.g. ["terraform","apply"]: "terraform apply"; FLEET_MAX_ARCHIVE_FILES="-1" is not a positive whole number',
    );
  });

  it("reads FLEET_APPLY_COMMAND as an argv array", () => {
    // Act
    const c = readDeployerConfig({ ...required, FLEET_APPLY_COMMAND: '["terraform","apply","-auto-approve"]', CODEBUILD_BUILD_ID: "p:1" });
    // Assess
    expect(c.applyCommand).toEqual(["terraform", "apply", "-auto-approve"]);
    expect(c.buildId).toBe("p:1");
  });
});

describe("guards", () => {
  const expectations = { releaseKey: required.FLEET_RELEASE_KEY, env: "alpha", app: "payments-api", appName: "payments-api", version: "1.2.0", releaseId: ID };
  const release = {
    schema: RELEASE_SCHEMA,
    env: "alpha",
    app: "payments-api",
    version: "1.2.0",
    artifactKey: "artifacts/payments-api/1.2.0/payments-api-1.2.0.zip",
    artifactSha256: "a".repeat(64),
    releaseId: ID,
    requestedBy: "ci",
    reason: "",
    allowDowngrade: false,
    createdAt: "2026-11-29T12:00:00Z",
  };

  it("checkReleaseKey refuses keys that disagree with the build variables", () => {
    expect(checkReleaseKey(expectations)).toBeUndefined();
    expect(checkReleaseKey({ ...expectations, version: "1.2.1" })).toBe("FLEET_VERSION 1.2.1 does not match the release key's version 1.2.0");
    expect(checkReleaseKey({ ...expectations, releaseKey: "status/alpha/payments-api/x.json" })).toMatch(/^release key is not valid: /);
  });

  it("checkReleaseKey refuses a release of any app but the fleet's (FLEET_APP_NAME)", () => {
    const other = { ...expectations, app: "other-app", releaseKey: `releases/alpha/other-app/1.2.0/${ID}.json` };
    expect(checkReleaseKey(other)).toBe('release is for app "other-app", this fleet deploys "payments-api" (FLEET_APP_NAME)');
  });

  it("checkRelease refuses a foreign artifact key and schema errors", () => {
    expect(checkRelease(expectations, release)).toEqual({ ok: true, release });
    expect(checkRelease(expectations, { ...release, artifactKey: "artifacts/other/1.2.0/other-1.2.0.zip" })).toEqual({
      ok: false,
      reason: 'release artifactKey "artifacts/other/1.2.0/other-1.2.0.zip" is not artifacts/payments-api/1.2.0/payments-api-1.2.0.zip',
    });
    const bad = checkRelease(expectations, { ...release, artifactSha256: "XYZ" });
    expect(bad.ok ? "" : bad.reason).toBe("release object is not a valid release: artifactSha256: 64 lower-case hex characters");
  });

  it("laterReleaseKeys compares release ids, not versions, and ignores other apps and foreign keys", () => {
    const keys = [
      `releases/alpha/payments-api/1.2.0/${ID}.json`,
      `releases/alpha/payments-api/0.9.0/${LATER}.json`,
      `releases/alpha/other-app/9.0.0/20261130T000000Z-00000000.json`,
      "releases/alpha/payments-api/junk",
    ];
    expect(laterReleaseKeys(keys, expectations)).toEqual([{ key: keys[1], version: "0.9.0", releaseId: LATER }]);
    expect(laterReleaseKeys(keys.slice(0, 1), expectations)).toEqual([]);
  });

  it("checkSupersedingRelease accepts only a valid release whose body agrees with its key and whose id is not ahead of the storage", () => {
    const later = { key: `releases/alpha/payments-api/0.9.0/${LATER}.json`, version: "0.9.0", releaseId: LATER };
    const body = { ...release, version: "0.9.0", artifactKey: "artifacts/payments-api/0.9.0/payments-api-0.9.0.zip", releaseId: LATER };
    const storedAt = new Date("2026-11-29T13:00:01Z");
    expect(checkSupersedingRelease(expectations, later, body, storedAt)).toBeUndefined();
    expect(checkSupersedingRelease(expectations, later, { ...body, env: "bravo" }, storedAt)).toMatch(/release is for environment "bravo"/);
    expect(checkSupersedingRelease(expectations, later, body, new Date("2026-11-29T12:54:59Z"))).toMatch(/is 301 s ahead of the time the storage wrote it/);
    expect(checkSupersedingRelease(expectations, later, body, undefined)).toBe("the storage gave no time for it");
  });

  it("no body that disagrees with its key can supersede, whatever it holds (property)", () => {
    const later = { key: `releases/alpha/payments-api/0.9.0/${LATER}.json`, version: "0.9.0", releaseId: LATER };
    const good = { ...release, version: "0.9.0", artifactKey: "artifacts/payments-api/0.9.0/payments-api-0.9.0.zip", releaseId: LATER };
    const field = fc.constantFrom("env", "app", "version", "releaseId", "artifactKey", "schema", "artifactSha256");
    fc.assert(
      fc.property(fc.oneof(fc.anything(), fc.tuple(field, fc.oneof(fc.string(), fc.integer(), fc.constant(null))).map(([f, v]) => ({ ...good, [f]: v }))), (body) => {
        const agrees = JSON.stringify(body) === JSON.stringify(good);
        expect(checkSupersedingRelease(expectations, later, body, new Date("2026-11-29T13:00:00Z")) === undefined).toBe(agrees);
      }),
      { numRuns: 500 },
    );
  });

  it("checkVersion: lower refused unless allowed; same and higher allowed; none deployed allowed", () => {
    expect(checkVersion("1.10.0", { version: "1.9.0", allowDowngrade: false })).toMatch(/^downgrade from 1\.10\.0 to 1\.9\.0 refused/);
    expect(checkVersion("1.10.0", { version: "1.9.0", allowDowngrade: true })).toBeUndefined();
    expect(checkVersion("1.9.0", { version: "1.9.0", allowDowngrade: false })).toBeUndefined();
    expect(checkVersion("1.9.0", { version: "1.10.0", allowDowngrade: false })).toBeUndefined();
    expect(checkVersion("1.0.0", { version: "1.0.0-rc.1", allowDowngrade: false })).toMatch(/downgrade/);
    expect(checkVersion(undefined, { version: "0.1.0", allowDowngrade: false })).toBeUndefined();
    expect(checkVersion("latest", { version: "0.1.0", allowDowngrade: false })).toMatch(/not a SemVer version/);
  });

  it("checkChecksums needs all three hashes and the size to agree", () => {
    const h = "b".repeat(64);
    expect(checkChecksums({ sha256: h, bytes: 10 }, { artifactSha256: h }, { sha256: h, size: 10 })).toBeUndefined();
    expect(checkChecksums({ sha256: h, bytes: 10 }, { artifactSha256: h }, { sha256: "c".repeat(64), size: 10 })).toMatch(/^checksum mismatch: .*manifest says cccccccccccc…$/);
    expect(checkChecksums({ sha256: h, bytes: 11 }, { artifactSha256: h }, { sha256: h, size: 10 })).toBe("checksum mismatch: artifact is 11 bytes, manifest says 10");
  });
});

describe("entry rules", () => {
  it.each([
    ["../evil", "'..' segment (path traversal)"],
    ["a/../../evil", "'..' segment (path traversal)"],
    ["/etc/passwd", "absolute path"],
    ["C:/x", "drive letter"],
    ["a\\b", "backslash in name (a Windows path separator)"],
    ["a//b", "empty or '.' segment"],
    ["./a", "empty or '.' segment"],
    ["a\u0000b", "control character in name"],
  ])("unsafeNameReason(%j) = %s", (name, reason) => {
    expect(unsafeNameReason(name)).toBe(reason);
  });

  it("accepts plain relative names and directories", () => {
    expect(unsafeNameReason("cdktf.out/stacks/workload-alpha/cdk.tf.json")).toBeUndefined();
    expect(unsafeNameReason("cdktf.out/")).toBeUndefined();
    expect(unsafeNameReason("a..b/c")).toBeUndefined();
  });

  it("tells links, directories and files apart by the unix mode", () => {
    const unix = 3 << 8;
    expect(entryKind("x", (0o120777 << 16) >>> 0, unix)).toBe("symlink");
    expect(entryKind("x/", (0o040755 << 16) >>> 0, unix)).toBe("directory");
    expect(entryKind("x", (0o100644 << 16) >>> 0, unix)).toBe("file");
    expect(entryKind("x", (0o010644 << 16) >>> 0, unix)).toBe("other");
    expect(entryKind("x/", 0x10, 0)).toBe("directory");
  });

  it("checkEntries refuses duplicates, links and declared sizes over the limit", () => {
    const limits = { maxBytes: 100, maxFiles: 10 };
    expect(checkEntries([{ fileName: "a", kind: "file", uncompressedSize: 1 }, { fileName: "a", kind: "file", uncompressedSize: 1 }], limits)).toBe('entry "a": appears twice');
    expect(checkEntries([{ fileName: "l", kind: "symlink", uncompressedSize: 1 }], limits)).toMatch(/^entry "l": symbolic link/);
    expect(checkEntries([{ fileName: "a", kind: "file", uncompressedSize: 60 }, { fileName: "b", kind: "file", uncompressedSize: 60 }], limits)).toBe(
      "archive declares more than 100 uncompressed bytes (the limit)",
    );
  });
});

describe("log text", () => {
  it("LastMeaningfulLine prefers terraform's last Error line, without its frame", () => {
    const l = new LastMeaningfulLine();
    for (const line of ["╷", "│ Error: first", "│ Error: No valid credential sources found", "│ ", "╵", ""]) l.add(line);
    expect(l.value).toBe("Error: No valid credential sources found");
    const m = new LastMeaningfulLine();
    m.add("\u001b[31msomething broke\u001b[0m");
    m.add("   ");
    expect(m.value).toBe("something broke");
  });

  it("redact masks access keys, assignments and known secret values; oneLine caps at 500", () => {
    expect(redact("key AKIAABCDEFGHIJKLMNOP and secret_key = abc123 and token: xyz", [])).toBe("key *** and secret_key = *** and token: ***");
    expect(redact("value s3cr3t-s3ss10n here", ["s3cr3t-s3ss10n"])).toBe("value *** here");
    const long = oneLine("x".repeat(600));
    expect(long).toHaveLength(500);
    expect(oneLine("a\n  b\tc")).toBe("a b c");
  });
});
