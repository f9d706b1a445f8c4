/**
 * `fleet status --format html [--out FILE]`: the fleet view as the self-contained status page
 * (core/status-page). With --out the page is written there and its path printed; without, it goes to
 * stdout like the other formats.
 */
import { mkdirSync, writeFileSync } from "node:fs";
import { dirname, resolve } from "node:path";
import type { FleetConfig } from "../../core/config/schema";
import type { FleetStatus } from "../../core/fleet-status";
import { buildStatusPageModel, type RolloutView } from "../../core/status-page/model";
import { renderStatusPage } from "../../core/status-page/render";
import type { CommandContext } from "../context";

export interface StatusPageOutput {
  readonly status: FleetStatus;
  readonly fleet: FleetConfig | undefined;
  readonly source: string;
  readonly rollout?: RolloutView;
  /** Where to write the page, relative to ctx.cwd; stdout when undefined. */
  readonly out: string | undefined;
  readonly now?: () => Date;
}

export function statusPageHtml(o: Omit<StatusPageOutput, "out">): string {
  const fleet = (o.fleet?.environments ?? []).map((e) => ({ name: e.name, hold: e.hold, pin: e.pin }));
  const generatedAt = (o.now ?? (() => new Date()))().toISOString();
  return renderStatusPage(buildStatusPageModel({ status: o.status, fleet, rollout: o.rollout, source: o.source, generatedAt }));
}

export function writeStatusPage(ctx: Pick<CommandContext, "cwd" | "stdout">, o: StatusPageOutput): string | undefined {
  const html = statusPageHtml(o);
  if (o.out === undefined) {
    ctx.stdout.write(html);
    return undefined;
  }
  const file = resolve(ctx.cwd, o.out);
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(file, html);
  ctx.stdout.write(`status page written to ${file}\n`);
  return file;
}
