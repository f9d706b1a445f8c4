import {
  InvalidKeyError,
  MAX_KEY_LENGTH,
  artifactKey,
  manifestKey,
  parseKey,
  parseKeyOrThrow,
  releaseKey,
  releasesPrefix,
  statusKey,
  statusPrefix,
} from "../../core/keys";

const RELEASE = "releases/alpha/payments-api/1.4.2/20261120T101503Z-9f8e7d6c.json";

function reasonOf(key: string): string {
  const r = parseKey(key);
  if (r.ok) throw new Error(`expected ${JSON.stringify(key)} to be rejected, got ${JSON.stringify(r.key)}`);
  return r.reason;
}

describe("Function: format → parseKey round trip", () => {
  it.each([
    ["1.4.2", "20261120T101503Z-9f8e7d6c"],
    ["0.0.0", "20000101T000000Z-00000000"],
    ["1.5.0-rc.1", "20261231T235959Z-ffffffff"],
    ["10.20.30-alpha-1.beta.0x", "20240229T120000Z-0a1b2c3d"],
  ])("gives back the parts of version %s, release %s for every key kind", (version, releaseId) => {
    // Prepare
    const formatted = {
      artifact: artifactKey("payments-api", version),
      manifest: manifestKey("payments-api", version),
      release: releaseKey("alpha", "payments-api", version, releaseId),
      status: statusKey("alpha", "payments-api", releaseId),
    };

    // Act
    const parsed = Object.fromEntries(Object.entries(formatted).map(([k, key]) => [k, parseKey(key)]));

    // Assess
    expect(formatted.artifact).toBe(`artifacts/payments-api/${version}/payments-api-${version}.zip`);
    expect(formatted.manifest).toBe(`artifacts/payments-api/${version}/manifest.json`);
    expect(formatted.release).toBe(`releases/alpha/payments-api/${version}/${releaseId}.json`);
    expect(formatted.status).toBe(`status/alpha/payments-api/${releaseId}.json`);
    expect(parsed).toEqual({
      artifact: { ok: true, key: { kind: "artifact", app: "payments-api", version } },
      manifest: { ok: true, key: { kind: "manifest", app: "payments-api", version } },
      release: { ok: true, key: { kind: "release", env: "alpha", app: "payments-api", version, releaseId } },
      status: { ok: true, key: { kind: "status", env: "alpha", app: "payments-api", releaseId } },
    });
  });

  it("formats prefixes that every key of that environment starts with", () => {
    // Act & Assess
    expect(releasesPrefix("alpha")).toBe("releases/alpha/");
    expect(releasesPrefix("alpha", "payments-api")).toBe("releases/alpha/payments-api/");
    expect(statusPrefix("alpha")).toBe("status/alpha/");
    expect(statusPrefix("alpha", "payments-api")).toBe("status/alpha/payments-api/");
    expect(RELEASE.startsWith(releasesPrefix("alpha", "payments-api"))).toBe(true);
  });

  it("keeps apart an environment name that is a prefix of another", () => {
    // Prepare: "alpha" must not match "alpha-2"'s releases (the forwarding rule matches on this prefix).
    const other = releaseKey("alpha-2", "payments-api", "1.0.0", "20261120T101503Z-9f8e7d6c");

    // Act & Assess
    expect(other.startsWith(releasesPrefix("alpha"))).toBe(false);
  });
});

describe("Function: parseKey rejections", () => {
  it.each([
    ["traversal", "releases/alpha/../bravo/payments-api/1.4.2/20261120T101503Z-9f8e7d6c.json", "'..' segment (path traversal)"],
    ["traversal at the end", "releases/alpha/payments-api/1.4.2/..", "'..' segment"],
    ["a '.' segment", "releases/./alpha/payments-api/1.4.2/20261120T101503Z-9f8e7d6c.json", "'.' segment"],
    ["a double slash", "releases/alpha//payments-api/1.4.2/20261120T101503Z-9f8e7d6c.json", "empty segment ('//')"],
    ["a leading slash", "/releases/alpha/payments-api/1.4.2/20261120T101503Z-9f8e7d6c.json", "starts with '/'"],
    ["a trailing slash", "releases/alpha/payments-api/1.4.2/", "ends with '/'"],
    ["an encoded slash", "releases/alpha%2Fpayments-api/1.4.2/20261120T101503Z-9f8e7d6c.json", "contains '%' at position 14: keys are never URL-encoded"],
    ["an encoded traversal", "releases/alpha/%2E%2E/payments-api/1.4.2/20261120T101503Z-9f8e7d6c.json", "contains '%'"],
    ["a space", "releases/alpha/payments api/1.4.2/20261120T101503Z-9f8e7d6c.json", "contains whitespace at position 23"],
    ["a '+' (encoded space)", "releases/alpha/payments+api/1.4.2/20261120T101503Z-9f8e7d6c.json", "contains '+' at position 23"],
    ["a newline", "releases/alpha/payments-api/1.4.2/20261120T101503Z-9f8e7d6c.json\n", "contains whitespace"],
    ["unicode", "releases/alpha/paymënts-api/1.4.2/20261120T101503Z-9f8e7d6c.json", "non-ASCII character U+00EB at position 19"],
    ["a look-alike letter", "releases/аlpha/payments-api/1.4.2/20261120T101503Z-9f8e7d6c.json", "non-ASCII character U+0430"],
    ["a backslash", "releases\\alpha/payments-api/1.4.2/20261120T101503Z-9f8e7d6c.json", 'contains "\\\\" at position 8'],
    ["an unknown top folder", "deploys/alpha/payments-api/1.4.2/20261120T101503Z-9f8e7d6c.json", "must start with artifacts/, releases/ or status/"],
    ["a release key one level short", "releases/alpha/1.4.2/20261120T101503Z-9f8e7d6c.json", "a release key is releases/<env>/<app>/<version>/<releaseId>.json"],
    ["a release key one level deep", "releases/alpha/payments-api/1.4.2/x/20261120T101503Z-9f8e7d6c.json", "a release key is releases/"],
    ["an upper-case environment", "releases/Alpha/payments-api/1.4.2/20261120T101503Z-9f8e7d6c.json", 'environment "Alpha" does not match'],
    ["a bad app name", "releases/alpha/-payments/1.4.2/20261120T101503Z-9f8e7d6c.json", 'app "-payments" does not match'],
    ["a wrong release file extension", "releases/alpha/payments-api/1.4.2/20261120T101503Z-9f8e7d6c.zip", "file name is <releaseId>.json"],
    ["an upper-case extension", "releases/alpha/payments-api/1.4.2/20261120T101503Z-9f8e7d6c.JSON", "file name is <releaseId>.json"],
    ["a wrong artifact file name", "artifacts/payments-api/1.4.2/orders-api-1.4.2.zip", "file name must be payments-api-1.4.2.zip or manifest.json"],
    ["an artifact of another version", "artifacts/payments-api/1.4.2/payments-api-1.4.3.zip", "file name must be payments-api-1.4.2.zip"],
    ["a status key with a version level", "status/alpha/payments-api/1.4.2/20261120T101503Z-9f8e7d6c.json", "a status key is status/<env>/<app>/<releaseId>.json"],
    ["a status file that is not json", "status/alpha/payments-api/20261120T101503Z-9f8e7d6c.txt", "file name is <releaseId>.json"],
  ])("rejects %s", (_what, key, reason) => {
    // Act
    const r = reasonOf(key);

    // Assess
    expect(r).toContain(reason);
    expect(r.startsWith("key ")).toBe(true);
  });

  it.each([
    ["two parts", "1.2"],
    ["a leading zero", "01.2.3"],
    ["a leading zero in the prerelease", "1.2.3-rc.01"],
    ["a 'v' prefix", "v1.2.3"],
    ["an empty prerelease", "1.2.3-"],
    ["a number above 2^53", "9007199254740993.0.0"],
    ["more than 256 characters", `1.0.0-${"a".repeat(251)}`],
  ])("rejects a version with %s, naming it", (_what, version) => {
    // Act
    const r = reasonOf(`releases/alpha/payments-api/${version}/20261120T101503Z-9f8e7d6c.json`);

    // Assess
    expect(r).toContain(`version ${JSON.stringify(version)} is not SemVer 2.0 without build metadata`);
  });

  it("rejects build metadata, which is not key-safe", () => {
    // Act
    const r = reasonOf("releases/alpha/payments-api/1.2.3+build/20261120T101503Z-9f8e7d6c.json");

    // Assess
    expect(r).toContain("contains '+' at position 33 (an encoded space, or SemVer build metadata)");
  });

  it.each([
    ["February 30th", "20260230T101503Z-9f8e7d6c"],
    ["month 13", "20261320T101503Z-9f8e7d6c"],
    ["hour 24", "20261120T241503Z-9f8e7d6c"],
    ["a leap second", "20261231T235960Z-9f8e7d6c"],
    ["February 29th of a common year", "20250229T000000Z-9f8e7d6c"],
  ])("rejects a release id on %s as not a real date", (_what, releaseId) => {
    // Act
    const r = reasonOf(`releases/alpha/payments-api/1.4.2/${releaseId}.json`);

    // Assess
    expect(r).toContain(`release id "${releaseId}" is not a real UTC date and time`);
  });

  it.each([
    ["upper-case hex", "20261120T101503Z-9F8E7D6C"],
    ["7 hex characters", "20261120T101503Z-9f8e7d6"],
    ["no Z", "20261120T101503-9f8e7d6c"],
    ["an ISO date", "2026-11-20T10:15:03Z-9f8e7d6c"],
    ["nothing", ""],
  ])("rejects a release id with %s as malformed", (_what, releaseId) => {
    // Act
    const r = reasonOf(`status/alpha/payments-api/${releaseId}.json`);

    // Assess
    expect(r).toMatch(/release id .* is not YYYYMMDDTHHMMSSZ-<8 lower-case hex>|contains ":"/);
  });

  it("rejects a key longer than S3 allows, and an empty key", () => {
    // Prepare
    const long = `releases/alpha/payments-api/1.0.0-${"a".repeat(MAX_KEY_LENGTH)}/20261120T101503Z-9f8e7d6c.json`;

    // Act & Assess
    expect(reasonOf(long)).toContain(`longer than ${MAX_KEY_LENGTH} characters`);
    expect(reasonOf(long).length).toBeLessThan(300);
    expect(reasonOf("")).toBe('key "": empty');
  });

  it("never throws on a value that is not a string", () => {
    // Act
    const r = parseKey(42 as unknown as string);

    // Assess
    expect(r).toEqual({ ok: false, reason: "key is not a string (number)" });
  });
});

describe("Function: key formatting", () => {
  it.each([
    [() => artifactKey("Payments", "1.0.0"), 'app "Payments" does not match'],
    [() => artifactKey("payments-api", "1.0"), 'version "1.0" is not SemVer'],
    [() => manifestKey("payments-api", "1.0.0+sha.1"), 'version "1.0.0+sha.1" is not SemVer'],
    [() => releaseKey("alpha/..", "payments-api", "1.0.0", "20261120T101503Z-9f8e7d6c"), 'environment "alpha/.." does not match'],
    [() => releaseKey("alpha", "payments-api", "1.0.0", "20261320T101503Z-9f8e7d6c"), "is not a real UTC date and time"],
    [() => statusKey("alpha", "payments-api", "latest"), 'release id "latest" is not YYYYMMDDTHHMMSSZ'],
    [() => releasesPrefix("a"), 'environment "a" does not match'],
    [() => statusPrefix("alpha", "x_y"), 'app "x_y" does not match'],
  ])("refuses bad parts with InvalidKeyError (%#)", (format, message) => {
    // Act & Assess
    expect(format).toThrow(InvalidKeyError);
    expect(format).toThrow(message);
  });

  it("parseKeyOrThrow throws the parse reason", () => {
    // Act & Assess
    expect(() => parseKeyOrThrow("releases/alpha/../x")).toThrow(new InvalidKeyError(`key "releases/alpha/../x": has a '..' segment (path traversal)`));
    expect(parseKeyOrThrow(RELEASE)).toEqual({ kind: "release", env: "alpha", app: "payments-api", version: "1.4.2", releaseId: "20261120T101503Z-9f8e7d6c" });
  });
});
