import { compareReleaseIds, compareVersions, formatReleaseId, isValidReleaseId } from "../../core/version";

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
