import { FleetError } from "../../core/errors";
import type { CommandContext } from "../context";

export async function review(_ctx: CommandContext): Promise<number> {
  throw new FleetError("fleet review is not built yet");
}
