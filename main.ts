/**
 * The cdktf app (`npx cdktf synth|diff|deploy <stack>`): load the fleet configuration, build the stacks, synth.
 * FLEET_ENVIRONMENTS_DIR selects another environments directory (default: ./environments). A user error
 * (bad configuration, missing bundle) prints its message without a stack trace and exits 1.
 */
import { App } from "cdktf";
import { loadFleet } from "./core/config/loader";
import { FleetError } from "./core/errors";
import { buildFleet } from "./stacks/fleet";

try {
  const app = new App();
  buildFleet(app, loadFleet(process.env.FLEET_ENVIRONMENTS_DIR ?? "environments"));
  app.synth();
} catch (error) {
  if (!(error instanceof FleetError)) throw error;
  console.error(error.message);
  process.exitCode = error.exitCode;
}
