import { FleetError } from "../../core/errors";
import type { CommandContext } from "../context";

export async function synth(_ctx: CommandContext): Promise<number> {
  throw new FleetError("fleet synth is not built yet");
}
