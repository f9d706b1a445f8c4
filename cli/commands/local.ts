import { FleetError } from "../../core/errors";
import type { CommandContext } from "../context";

export async function local(_ctx: CommandContext): Promise<number> {
  throw new FleetError("fleet local is not built yet");
}
