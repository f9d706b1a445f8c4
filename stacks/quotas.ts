/**
 * Quota guard: pure rules over numbers the stacks compute (no constructs here), each returning a three-state
 * verdict; stacks report warnings through cdktf `Annotations` and errors by throwing. Thresholds warn at 80 %
 * so that a quota increase can be requested before a deploy fails.
 */

export type Verdict = { readonly level: "ok" } | { readonly level: "warn" | "error"; readonly message: string };

export const QUOTAS = {
  /** EventBridge rules per event bus (default, adjustable). */
  rulesPerBus: 300,
  /** EventBridge targets per rule (hard). */
  targetsPerRule: 5,
  /** S3 bucket policy size in bytes (hard). */
  bucketPolicyBytes: 20 * 1024,
  /** Managed policies attached to one IAM role (default 10, adjustable to 20). */
  managedPoliciesPerRole: 10,
  /** Characters in one customer managed policy (hard). */
  managedPolicyChars: 6144,
  /** Characters of an EventBridge event pattern. */
  eventPatternChars: 4096,
} as const;

export const WARN_RATIO = 0.8;

function check(what: string, used: number, limit: number, hint: string): Verdict {
  if (used > limit) return { level: "error", message: `${what}: ${used} exceeds the quota of ${limit}. ${hint}` };
  if (used >= limit * WARN_RATIO) return { level: "warn", message: `${what}: ${used} of ${limit} (≥ ${WARN_RATIO * 100} %). ${hint}` };
  return { level: "ok" };
}

export function rulesOnBus(bus: string, rules: number): Verdict {
  // Adjustable: exceeding it is a warning with the fix, not a synth failure (the quota may have been raised).
  const v = check(`rules on event bus ${bus}`, rules, QUOTAS.rulesPerBus, "Request a Service Quotas increase for 'Maximum number of rules per event bus' in the central account and region before deploying.");
  return v.level === "error" ? { level: "warn", message: v.message } : v;
}

export function targetsOnRule(rule: string, targets: number): Verdict {
  return check(`targets on rule ${rule}`, targets, QUOTAS.targetsPerRule, "A rule holds at most 5 targets; split the rule.");
}

export function bucketPolicySize(bucket: string, bytes: number): Verdict {
  return check(`bucket policy of ${bucket} (bytes)`, bytes, QUOTAS.bucketPolicyBytes, "S3 rejects bucket policies over 20 KB; see docs/stacks.md (organization mode).");
}

export function managedPoliciesOnRole(role: string, count: number): Verdict {
  const v = check(`managed policies attached to role ${role}`, count, QUOTAS.managedPoliciesPerRole, "Request an IAM quota increase for 'Managed policies per role' (up to 20).");
  return v.level === "error" ? { level: "warn", message: v.message } : v;
}

export function eventPatternSize(rule: string, chars: number): Verdict {
  return check(`event pattern of rule ${rule} (characters)`, chars, QUOTAS.eventPatternChars, "Shorten the pattern.");
}
