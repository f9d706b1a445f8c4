/**
 * Health of an environment after a deploy: the CloudWatch alarms (in the tenant's own account) that the
 * deployer watches for a bake time after a successful apply. One schema for the `health:` block of an
 * environment file, the two build variables that carry it to the deployer, and the pure bake decision:
 * a deploy counts as succeeded only if none of its alarms was seen in ALARM during the bake.
 */
import { z } from "zod";
import { BUILD_VAR } from "./build-variables";

/**
 * CloudWatch allows 1–255 characters. We allow the printable characters alarm names use in practice and
 * refuse `*` and `?` (wildcards in an IAM resource: the deployer's permission must name exactly these
 * alarms) and `$`, `%`, quotes and backslashes (Terraform would read `${` or `%{` in the synthesized
 * policy as its own).
 */
/** The characters of an alarm name other than the space (which may not start or end one). */
const ALARM_CHARS = String.raw`A-Za-z0-9_.,:;/#@+=()\[\]{}|<>!&~^\-`;
export const ALARM_NAME_RE = new RegExp(`^[${ALARM_CHARS}](?:[ ${ALARM_CHARS}]{0,253}[${ALARM_CHARS}])?$`);

/** DescribeAlarms takes at most 100 names per call; one call per poll keeps the bake cheap and simple. */
export const MAX_HEALTH_ALARMS = 100;

/** Like CloudFormation's rollback monitoring time: up to three hours. */
export const MAX_BAKE_MINUTES = 180;

export const AlarmNameSchema = z
  .string()
  .regex(ALARM_NAME_RE, "a CloudWatch alarm name: 1-255 letters, digits, spaces and punctuation, no * ? $ % quotes or backslash, no space at either end")
  .meta({ description: "Name of a CloudWatch alarm in this environment's own account and region" });

export const HealthSchema = z
  .strictObject({
    alarms: z
      .array(AlarmNameSchema)
      .max(MAX_HEALTH_ALARMS, `at most ${MAX_HEALTH_ALARMS} alarms per environment`)
      .superRefine((names, ctx) => {
        names.forEach((n, i) => {
          const first = names.indexOf(n);
          if (first !== i) ctx.addIssue({ code: "custom", path: [i], input: n, message: `alarm ${JSON.stringify(n)} is already listed at position ${first + 1}; list each alarm once` });
        });
      })
      .default([])
      .meta({ description: "CloudWatch alarms in this account: a deploy during whose bake any of them is in ALARM counts as failed" }),
    bakeMinutes: z
      .number()
      .min(0, "bakeMinutes is ≥ 0")
      .max(MAX_BAKE_MINUTES, `bakeMinutes is at most ${MAX_BAKE_MINUTES}`)
      .default(0)
      .meta({ description: "Minutes the deployer watches the alarms after a successful apply (fractions allowed); 0: checked once" }),
  })
  .meta({ description: "Health gate: the alarms watched after each deploy, and for how long" });

export type Health = z.output<typeof HealthSchema>;

// ------------------------------------------------------------------ build variables

/** JSON list of alarm names, set on the deploy project by the tenant stack. */
export const HEALTH_ALARMS_VARIABLE = BUILD_VAR.healthAlarms;
/** Bake time in minutes, set on the deploy project by the tenant stack. */
export const HEALTH_BAKE_VARIABLE = BUILD_VAR.healthBakeMinutes;
/** Seconds between two looks at the alarms; tests and the local run shorten it. */
export const HEALTH_POLL_VARIABLE = BUILD_VAR.healthPollSeconds;
export const DEFAULT_POLL_SECONDS = 20;

/** The variables that carry an environment's health settings to its deployer (none without `health:`). */
export function healthVariables(health: Health | undefined): { name: string; value: string }[] {
  if (!health) return [];
  return [
    { name: HEALTH_ALARMS_VARIABLE, value: JSON.stringify(health.alarms) },
    { name: HEALTH_BAKE_VARIABLE, value: String(health.bakeMinutes) },
  ];
}

/** What the deployer watches; `undefined` from {@link readHealthVariables} means no health gate. */
export interface HealthSettings extends Health {
  readonly pollSeconds: number;
}

/**
 * Reads the health variables; pushes one problem per bad variable (the caller reports them all at once).
 * No alarms and no bake → no gate.
 */
export function readHealthVariables(env: Readonly<Record<string, string | undefined>>, problems: string[]): HealthSettings | undefined {
  const raw = (name: string) => {
    const v = env[name]?.trim();
    return v === undefined || v === "" ? undefined : v;
  };
  const alarmsRaw = raw(HEALTH_ALARMS_VARIABLE);
  const bakeRaw = raw(HEALTH_BAKE_VARIABLE);
  const pollRaw = raw(HEALTH_POLL_VARIABLE);
  let alarms: string[] = [];
  if (alarmsRaw !== undefined) {
    const parsed = z.array(AlarmNameSchema).max(MAX_HEALTH_ALARMS).safeParse(parseJson(alarmsRaw));
    if (parsed.success) alarms = parsed.data;
    else problems.push(`${HEALTH_ALARMS_VARIABLE} is not a JSON list of at most ${MAX_HEALTH_ALARMS} CloudWatch alarm names: ${JSON.stringify(alarmsRaw.slice(0, 100))}`);
  }
  const number = (name: string, value: string | undefined, fallback: number, ok: (n: number) => boolean, allowed: string): number => {
    if (value === undefined) return fallback;
    const n = Number(value);
    if (Number.isFinite(n) && ok(n)) return n;
    problems.push(`${name}=${JSON.stringify(value.slice(0, 100))} is not ${allowed}`);
    return fallback;
  };
  const bakeMinutes = number(HEALTH_BAKE_VARIABLE, bakeRaw, 0, (n) => n >= 0 && n <= MAX_BAKE_MINUTES, `a number of minutes from 0 to ${MAX_BAKE_MINUTES}`);
  const pollSeconds = number(HEALTH_POLL_VARIABLE, pollRaw, DEFAULT_POLL_SECONDS, (n) => n > 0 && n <= 3600, "a number of seconds above 0 (at most 3600)");
  if (alarms.length === 0 && bakeMinutes === 0) return undefined;
  return { alarms, bakeMinutes, pollSeconds };
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

// ------------------------------------------------------------------ the bake decision

/** One alarm as CloudWatch reports it. */
export interface AlarmReading {
  readonly name: string;
  readonly state: string;
  readonly reason?: string;
}

export type BakeVerdict =
  | { readonly kind: "unhealthy"; readonly message: string }
  | { readonly kind: "healthy"; readonly message: string }
  /** Look again after the poll interval. */
  | { readonly kind: "watch" };

/**
 * Judges one look at the alarms, `elapsedMs` into a bake of `bakeMs`. A watched alarm that CloudWatch does
 * not know is a failure (a typo in `health.alarms` must not turn the gate into a no-op); any alarm in
 * ALARM is a failure naming it. INSUFFICIENT_DATA is not ALARM: a new alarm without data yet passes.
 * The bake ends healthy at the first look at or after `bakeMs`, so there is always at least one look.
 */
export function judgeBake(watched: readonly string[], readings: readonly AlarmReading[], elapsedMs: number, bakeMs: number): BakeVerdict {
  const byName = new Map(readings.map((r) => [r.name, r]));
  const missing = watched.filter((n) => !byName.has(n));
  if (missing.length > 0) {
    return { kind: "unhealthy", message: `health alarm${missing.length === 1 ? "" : "s"} ${missing.map((n) => JSON.stringify(n)).join(", ")} not found in this account and region (check health.alarms)` };
  }
  const alarming = watched.map((n) => byName.get(n)).filter((r): r is AlarmReading => r !== undefined && r.state === "ALARM");
  if (alarming.length > 0) {
    const named = alarming.map((r) => `${JSON.stringify(r.name)}${r.reason ? ` (${r.reason})` : ""}`).join(", ");
    return { kind: "unhealthy", message: `unhealthy: alarm ${named} in ALARM ${minutes(elapsedMs)} into the ${minutes(bakeMs)} bake` };
  }
  if (elapsedMs >= bakeMs) {
    return { kind: "healthy", message: watched.length === 0 ? `baked ${minutes(bakeMs)}` : `${watched.length} alarm${watched.length === 1 ? "" : "s"} clear for the ${minutes(bakeMs)} bake` };
  }
  return { kind: "watch" };
}

function minutes(ms: number): string {
  return `${Number((ms / 60_000).toFixed(2))} min`;
}
