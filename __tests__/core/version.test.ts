import fc from "fast-check";
import { compareReleaseIds, compareVersions, formatReleaseId, isValidReleaseId, MAX_CLOCK_SKEW_MS, clockSkewProblem, releaseIdTime } from "../../core/version";

describe("Function: formatReleaseId", () => {
  it("formats the UTC second, then milliseconds and randomness as 8 hex characters", () => {
    // Prepare
    const at = new Date(Date.UTC(2026, 10, 29, 12, 3, 4, 567));

    // Act
    const id = formatReleaseId(at, "abcdef12");

    // Assess
    expect(id).toBe("20261129T120304Z-237abcde");
    expect(isValidReleaseId(id)).toBe(true);
  });

  it("orders two releases written within one second by the time they were written, whatever the randomness", () => {
    // Prepare: a release, then a rollback 5 ms later whose random part sorts lower
    const release = formatReleaseId(new Date(Date.UTC(2026, 10, 29, 12, 3, 4, 10)), "fffff");
    const rollback = formatReleaseId(new Date(Date.UTC(2026, 10, 29, 12, 3, 4, 15)), "00000");

    // Act
    const order = compareReleaseIds(rollback, release);

    // Assess
    expect(order).toBeGreaterThan(0);
  });

  it("refuses randomness that is not hex", () => {
    expect(() => formatReleaseId(new Date(), "xyz")).toThrow("at least 5 hex characters");
  });
});

describe("Function: compareVersions", () => {
  it("compares by SemVer precedence, not as strings", () => {
    expect(compareVersions("1.10.0", "1.9.0")).toBeGreaterThan(0);
    expect(compareVersions("1.5.0-rc.1", "1.5.0")).toBeLessThan(0);
  });
});

describe("clock skew of a release id against the storage's clock", () => {
  it("reads the release id's time to the millisecond", () => {
    // Act + Assess
    expect(releaseIdTime(formatReleaseId(new Date("2026-11-29T12:03:04.567Z"), "abcde"))?.toISOString()).toBe("2026-11-29T12:03:04.567Z");
    expect(releaseIdTime("not-an-id")).toBeUndefined();
  });

  it("accepts an id at most MAX_CLOCK_SKEW_MS ahead of the storage's time and refuses one further ahead (property)", () => {
    fc.assert(
      fc.property(fc.date({ min: new Date("2000-01-01T00:00:00Z"), max: new Date("2099-12-31T00:00:00Z"), noInvalidDate: true }), fc.integer({ min: -86_400_000, max: 86_400_000 }), (stored, offset) => {
        // Prepare: the writer's clock is `offset` ms off the storage's
        const id = formatReleaseId(new Date(stored.getTime() + offset), "00000");
        // Act
        const problem = clockSkewProblem(id, stored);
        // Assess
        expect(problem === undefined).toBe(offset <= MAX_CLOCK_SKEW_MS);
      }),
      { numRuns: 1000 },
    );
    expect(MAX_CLOCK_SKEW_MS).toBe(5 * 60 * 1000);
  });
});
