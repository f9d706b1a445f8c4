/**
 * The health bake: the pure verdict of one look at the alarms, the build variables that carry the settings,
 * and the watch loop on a virtual clock (a 10-minute bake runs in milliseconds).
 */
import fc from "fast-check";
import { type AlarmReading, type HealthSettings, healthVariables, judgeBake, readHealthVariables } from "../../core/health";
import { type AlarmReader, bake } from "../../deployer/health";
import { DeployFailedError } from "../../deployer/errors";

const MIN = 60_000;
const ok = (name: string): AlarmReading => ({ name, state: "OK" });

describe("Function: judgeBake", () => {
  it("keeps watching while every alarm is clear and the bake has not elapsed", () => {
    expect(judgeBake(["a", "b"], [ok("a"), { name: "b", state: "INSUFFICIENT_DATA" }], 2 * MIN, 5 * MIN)).toEqual({ kind: "watch" });
  });

  it("ends healthy at the first look at or after the bake time", () => {
    expect(judgeBake(["a"], [ok("a")], 5 * MIN, 5 * MIN)).toEqual({ kind: "healthy", message: "1 alarm clear for the 5 min bake" });
    expect(judgeBake([], [], 0, 0)).toEqual({ kind: "healthy", message: "baked 0 min" });
  });

  it("fails on an alarm in ALARM, naming it with CloudWatch's reason", () => {
    const verdict = judgeBake(["api-5xx", "latency"], [ok("latency"), { name: "api-5xx", state: "ALARM", reason: "Threshold Crossed: 1 datapoint [9.0] > 5.0" }], 1.5 * MIN, 5 * MIN);
    expect(verdict).toEqual({ kind: "unhealthy", message: 'unhealthy: alarm "api-5xx" (Threshold Crossed: 1 datapoint [9.0] > 5.0) in ALARM 1.5 min into the 5 min bake' });
  });

  it("fails when a watched alarm does not exist (a typo must not turn the gate off)", () => {
    const verdict = judgeBake(["api-5xx", "latncy"], [ok("api-5xx")], 0, 5 * MIN);
    expect(verdict).toEqual({ kind: "unhealthy", message: 'health alarm "latncy" not found in this account and region (check health.alarms)' });
  });

  it("property: unhealthy exactly when a watched alarm is missing or in ALARM, whatever the time", () => {
    const state = fc.constantFrom("OK", "ALARM", "INSUFFICIENT_DATA", "missing");
    fc.assert(
      fc.property(fc.array(state, { minLength: 0, maxLength: 6 }), fc.nat(20 * MIN), fc.nat(20 * MIN), (states, elapsed, bakeMs) => {
        const names = states.map((_, i) => `alarm-${i}`);
        const readings = states.flatMap((s, i) => (s === "missing" ? [] : [{ name: `alarm-${i}`, state: s }]));
        const verdict = judgeBake(names, readings, elapsed, bakeMs);
        const bad = states.some((s) => s === "ALARM" || s === "missing");
        expect(verdict.kind).toBe(bad ? "unhealthy" : elapsed >= bakeMs ? "healthy" : "watch");
      }),
    );
  });
});

describe("Health build variables", () => {
  it("round-trip from the environment's settings to what the deployer reads", () => {
    const problems: string[] = [];
    const vars = Object.fromEntries(healthVariables({ alarms: ["api 5xx", "p99"], bakeMinutes: 2.5 }).map((v) => [v.name, v.value]));
    expect(vars).toEqual({ FLEET_HEALTH_ALARMS: '["api 5xx","p99"]', FLEET_HEALTH_BAKE_MINUTES: "2.5" });
    expect(readHealthVariables({ ...vars, FLEET_HEALTH_POLL_SECONDS: "0.5" }, problems)).toEqual({ alarms: ["api 5xx", "p99"], bakeMinutes: 2.5, pollSeconds: 0.5 });
    expect(problems).toEqual([]);
  });

  it("mean no gate when absent (no variables, no alarms, no bake)", () => {
    const problems: string[] = [];
    expect(healthVariables(undefined)).toEqual([]);
    expect(readHealthVariables({}, problems)).toBeUndefined();
    expect(readHealthVariables({ FLEET_HEALTH_ALARMS: "[]", FLEET_HEALTH_BAKE_MINUTES: "0" }, problems)).toBeUndefined();
    expect(problems).toEqual([]);
  });

  it("report each bad variable with its value", () => {
    const problems: string[] = [];
    readHealthVariables({ FLEET_HEALTH_ALARMS: "api-5xx", FLEET_HEALTH_BAKE_MINUTES: "ten", FLEET_HEALTH_POLL_SECONDS: "0" }, problems);
    expect(problems).toEqual([
      'FLEET_HEALTH_ALARMS is not a JSON list of at most 100 CloudWatch alarm names: "api-5xx"',
      'FLEET_HEALTH_BAKE_MINUTES="ten" is not a number of minutes from 0 to 180',
      'FLEET_HEALTH_POLL_SECONDS="0" is not a number of seconds above 0 (at most 3600)',
    ]);
  });
});

describe("Function: bake (virtual clock)", () => {
  /** A clock that only moves when the bake sleeps, and alarms whose state is a function of that clock. */
  function world(stateAt: (name: string, ms: number) => string | undefined) {
    let t = Date.parse("2026-11-30T12:00:00Z");
    const start = t;
    const looks: number[] = [];
    const alarms: AlarmReader = {
      read: async (names) => {
        looks.push(t - start);
        return names.flatMap((name) => {
          const state = stateAt(name, t - start);
          return state === undefined ? [] : [{ name, state }];
        });
      },
    };
    const ports = { alarms, now: () => new Date(t), sleep: async (ms: number) => void (t += ms), out: () => undefined };
    return { ports, looks };
  }
  const settings = (over: Partial<HealthSettings> = {}): HealthSettings => ({ alarms: ["api-5xx"], bakeMinutes: 10, pollSeconds: 60, ...over });

  it("succeeds after watching the whole bake, one look per poll interval and one at the end", async () => {
    // Prepare
    const { ports, looks } = world(() => "OK");
    // Act
    const message = await bake(settings({ bakeMinutes: 2.5 }), ports);
    // Assess
    expect(message).toBe("1 alarm clear for the 2.5 min bake (4 looks)");
    expect(looks).toEqual([0, 1 * MIN, 2 * MIN, 2.5 * MIN]);
  });

  it("fails at the first look that sees the alarm in ALARM, and stops watching", async () => {
    // Prepare: the alarm fires 3.5 minutes into the bake
    const { ports, looks } = world((_, ms) => (ms >= 3.5 * MIN ? "ALARM" : "OK"));
    // Act
    const failure = bake(settings(), ports);
    // Assess
    await expect(failure).rejects.toThrow(DeployFailedError);
    await expect(failure).rejects.toThrow('applied, but unhealthy: alarm "api-5xx" in ALARM 4 min into the 10 min bake');
    expect(looks).toEqual([0, MIN, 2 * MIN, 3 * MIN, 4 * MIN]);
  });

  it("fails at once when an alarm is missing", async () => {
    const { ports, looks } = world(() => undefined);
    await expect(bake(settings(), ports)).rejects.toThrow('applied, but health alarm "api-5xx" not found in this account and region');
    expect(looks).toEqual([0]);
  });

  it("fails with the reader's error when CloudWatch cannot be read", async () => {
    const ports = { ...world(() => "OK").ports, alarms: { read: () => Promise.reject(Object.assign(new Error("User is not authorized to perform: cloudwatch:DescribeAlarms"), { name: "AccessDenied" })) } };
    await expect(bake(settings(), ports)).rejects.toThrow(/^applied, but the health alarms could not be read: .*not authorized to perform: cloudwatch:DescribeAlarms/);
  });

  it("stops with a failure when the build is being stopped mid-bake", async () => {
    // Prepare
    const stop = new AbortController();
    const { ports } = world(() => "OK");
    const sleep = async (ms: number) => {
      await ports.sleep(ms);
      stop.abort();
    };
    // Act + Assess
    await expect(bake(settings(), { ...ports, sleep, signal: stop.signal })).rejects.toThrow("applied, but stopped during the health bake");
  });
});
