import { FleetError } from "../../core/errors";
import type { CommandContext } from "../context";

export async function publish(_ctx: CommandContext): Promise<number> {
  throw new FleetError("fleet publish is not built yet");
}
