import { FleetError } from "../../core/errors";
import type { CommandContext } from "../context";

export async function release(_ctx: CommandContext): Promise<number> {
  throw new FleetError("fleet release is not built yet");
}
