/**
 * What the local run saw happen to each release: deliveries to the handler (and what it decided), builds
 * started, and the status record the deployer wrote. Progress lines, the wait for a wave, the drill's checks
 * and the benchmark's timings all read from here.
 */
import { BUILD_VAR } from "../../core/build-variables";
import type { Status } from "../../core/records";
import type { Build } from "./codebuild-server";
import type { InvokeResult } from "./lambda-host";

export interface Delivery {
  readonly env: string;
  readonly key: string;
  readonly at: number;
  readonly attempt: number;
  /** When the event reached the stand-in queue. */
  readonly queuedAt?: number;
  outcome?: "start" | "drop" | "retry" | "on-failure" | "error";
  buildId?: string | undefined;
  reason?: string | undefined;
  errorName?: string | undefined;
}

export interface ReleaseTrack {
  readonly env: string;
  readonly key: string;
  readonly releaseId: string;
  readonly version: string;
  readonly writtenAt: number;
  /** The final status record (result other than in-progress), with when it was read. */
  final?: Status;
  finalAt?: number;
}

export const isFinal = (s: Status | undefined): boolean => s !== undefined && s.result !== "in-progress";

export class ChainTracker {
  readonly deliveries: Delivery[] = [];
  readonly releases = new Map<string, ReleaseTrack>();
  readonly builds: Build[] = [];
  readonly errors: string[] = [];

  addRelease(r: Omit<ReleaseTrack, "final" | "finalAt">): ReleaseTrack {
    const t: ReleaseTrack = { ...r };
    this.releases.set(r.key, t);
    return t;
  }

  received(env: string, key: string, attempt: number, queuedAt?: number): Delivery {
    const d: Delivery = { env, key, at: Date.now(), attempt, ...(queuedAt !== undefined ? { queuedAt } : {}) };
    this.deliveries.push(d);
    return d;
  }

  invoked(d: Delivery, r: InvokeResult, final: "done" | "retry" | "on-failure"): void {
    const result = (r.result ?? {}) as { decision?: string; buildId?: string; reason?: string };
    if (r.ok && result.decision === "start") {
      d.outcome = "start";
      d.buildId = result.buildId;
    } else if (r.ok) {
      d.outcome = "drop";
      d.reason = result.reason ?? "dropped";
    } else {
      d.outcome = final === "on-failure" ? "on-failure" : "retry";
      d.errorName = r.error?.name;
      d.reason = r.error?.message;
    }
  }

  buildsFor(key: string): Build[] {
    return this.builds.filter((b) => b.overrides.some((v) => v.name === BUILD_VAR.releaseKey && v.value === key));
  }

  deliveriesFor(key: string): Delivery[] {
    return this.deliveries.filter((d) => d.key === key);
  }

  /** Why a release has no final status yet, in words a user can act on. */
  diagnose(t: ReleaseTrack, routeHint: string): string {
    const ds = this.deliveriesFor(t.key);
    const bs = this.buildsFor(t.key);
    if (ds.length === 0) return `${t.env} got nothing: no release event for ${t.key} reached its Lambda target (${routeHint})`;
    const last = ds[ds.length - 1];
    const b = bs[bs.length - 1];
    if (!b && last) {
      if (last.outcome === "drop") return `${t.env}: the handler dropped the release event: ${last.reason}`;
      if (last.outcome === "on-failure") return `${t.env}: the handler failed on every retry (${last.errorName}: ${last.reason}); the event went to the on-failure queue`;
      return `${t.env}: the handler has not started a build (last: ${last.outcome ?? "running"}${last.reason ? `: ${last.reason}` : ""})`;
    }
    if (!b) return `${t.env} got nothing: no release event for ${t.key} reached its Lambda target (${routeHint})`;
    if (!b.buildComplete) return `${t.env}: build ${b.id} is still running`;
    return `${t.env}: build ${b.id} ended ${b.buildStatus} without a final status record: ${b.logTail.slice(-3).join(" | ")}`;
  }
}
