import { FleetError } from "../../core/errors";
import type { CommandContext } from "../context";

export async function status(_ctx: CommandContext): Promise<number> {
  throw new FleetError("fleet status is not built yet");
}
