/**
 * What `fleet doctor` learned about the accounts, as plain data: the adapters (gather.ts) fill it in, the
 * evaluation (evaluate.ts) judges it without any I/O. Every probe is either found (with what matters about
 * it), missing, or unknown (the call failed for another reason: the doctor says so instead of guessing).
 */

export type Probe<T> = { readonly state: "found"; readonly value: T } | { readonly state: "missing" } | { readonly state: "unknown"; readonly error: string };

export interface RuleFact {
  readonly enabled: boolean;
  readonly targets: readonly { readonly arn: string; readonly roleArn?: string; readonly deadLetterArn?: string }[];
}

export interface QueueFact {
  /** Messages waiting (visible + in flight). */
  readonly messages: number;
}

export interface FunctionFact {
  readonly state: string;
  readonly environment: Readonly<Record<string, string>>;
}

export interface ProjectFact {
  readonly computeType: string;
}

/** A quota's current value in one account and region; missing when Service Quotas does not list it. */
export type QuotaFacts = Readonly<Record<"lambdaConcurrency" | "rulesPerBus" | "codebuildConcurrentBuilds", Probe<number>>>;

export interface CentralFacts {
  readonly account: string;
  readonly region: string;
  /** Could the doctor get into the account (its read-only role)? */
  readonly access: Probe<true>;
  readonly roles: Readonly<Record<string, Probe<true>>>;
  /** Per environment: its forwarding rule and DLQ on the central default bus. */
  readonly forwarding: Readonly<Record<string, { readonly rule: Probe<RuleFact>; readonly dlq: Probe<QueueFact> }>>;
  readonly quotas: QuotaFacts;
}

export interface TenantFacts {
  readonly env: string;
  readonly account: string;
  readonly region: string;
  readonly access: Probe<true>;
  readonly roles: Readonly<Record<string, Probe<true>>>;
  readonly bus: Probe<true>;
  readonly rule: Probe<RuleFact>;
  readonly inboundDlq: Probe<QueueFact>;
  readonly function: Probe<FunctionFact>;
  readonly failures: Probe<QueueFact>;
  readonly project: Probe<ProjectFact>;
  readonly parameter: Probe<string>;
  readonly quotas: QuotaFacts;
}

export interface DoctorFacts {
  readonly central: CentralFacts;
  readonly tenants: readonly TenantFacts[];
}
