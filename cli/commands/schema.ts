import { FleetError } from "../../core/errors";
import type { CommandContext } from "../context";

export async function schema(_ctx: CommandContext): Promise<number> {
  throw new FleetError("fleet schema is not built yet");
}
