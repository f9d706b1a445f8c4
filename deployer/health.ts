/**
 * The bake after a successful apply: watch the environment's CloudWatch alarms (in this tenant account,
 * read-only) for the bake time and let the deploy count as succeeded only if none was seen in ALARM.
 * The decision of each look is core/health.ts `judgeBake`; this file loops over looks with an injected
 * clock and sleep (tests must not wait minutes), and holds the CloudWatch adapter.
 */
import { type CloudWatchClient, DescribeAlarmsCommand } from "@aws-sdk/client-cloudwatch";
import { type AlarmReading, type HealthSettings, judgeBake } from "../core/health";
import { DeployFailedError } from "./errors";
import { awsMessage } from "./s3-store";

/** Reads alarms by name: only those that exist come back. */
export interface AlarmReader {
  read(names: readonly string[]): Promise<AlarmReading[]>;
}

export interface BakePorts {
  readonly alarms: AlarmReader;
  readonly now: () => Date;
  /** Waits `ms`; resolves early when `signal` aborts. */
  readonly sleep: (ms: number, signal?: AbortSignal) => Promise<void>;
  readonly out: (line: string) => void;
  readonly signal?: AbortSignal;
}

/**
 * Watches until the bake ends healthy (returns one line saying so) or an alarm fails it (throws
 * {@link DeployFailedError} naming the alarm). Alarms are read once at the start and then every poll
 * interval, and once more at the end; a bake of 0 is one look.
 */
export async function bake(health: HealthSettings, ports: BakePorts): Promise<string> {
  const bakeMs = health.bakeMinutes * 60_000;
  const pollMs = health.pollSeconds * 1000;
  const start = ports.now().getTime();
  ports.out(`→ bake ${health.bakeMinutes} min watching ${health.alarms.length === 0 ? "no alarms" : health.alarms.map((n) => JSON.stringify(n)).join(", ")}`);
  for (let looks = 1; ; looks++) {
    let readings: AlarmReading[] = [];
    if (health.alarms.length > 0) {
      try {
        readings = await ports.alarms.read(health.alarms);
      } catch (err) {
        throw new DeployFailedError(`applied, but the health alarms could not be read: ${awsMessage(err)}`);
      }
    }
    const elapsed = ports.now().getTime() - start;
    const verdict = judgeBake(health.alarms, readings, elapsed, bakeMs);
    if (verdict.kind === "unhealthy") throw new DeployFailedError(`applied, but ${verdict.message}`);
    if (verdict.kind === "healthy") return `${verdict.message} (${looks} look${looks === 1 ? "" : "s"})`;
    if (ports.signal?.aborted) throw new DeployFailedError("applied, but stopped during the health bake (the build is being stopped)");
    await ports.sleep(Math.min(pollMs, bakeMs - elapsed), ports.signal);
  }
}

/** The real sleep: a timer that an abort ends early. */
export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal?.aborted) return resolve();
    const done = () => {
      clearTimeout(timer);
      signal?.removeEventListener("abort", done);
      resolve();
    };
    const timer = setTimeout(done, Math.max(0, ms));
    signal?.addEventListener("abort", done, { once: true });
  });
}

/** CloudWatch adapter: DescribeAlarms by name, metric and composite alarms alike. */
export class CloudWatchAlarms implements AlarmReader {
  constructor(private readonly cloudwatch: CloudWatchClient) {}

  async read(names: readonly string[]): Promise<AlarmReading[]> {
    const out: AlarmReading[] = [];
    let token: string | undefined;
    do {
      const res = await this.cloudwatch.send(
        // Without AlarmTypes CloudWatch returns metric alarms only; a composite alarm would look missing.
        new DescribeAlarmsCommand({ AlarmNames: [...names], AlarmTypes: ["MetricAlarm", "CompositeAlarm"], MaxRecords: 100, ...(token ? { NextToken: token } : {}) }),
      );
      for (const a of [...(res.MetricAlarms ?? []), ...(res.CompositeAlarms ?? [])]) {
        if (a.AlarmName && a.StateValue) out.push({ name: a.AlarmName, state: a.StateValue, ...(a.StateReason ? { reason: a.StateReason } : {}) });
      }
      token = res.NextToken;
    } while (token);
    return out;
  }
}
