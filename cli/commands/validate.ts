import { FleetError } from "../../core/errors";
import type { CommandContext } from "../context";

export async function validate(_ctx: CommandContext): Promise<number> {
  throw new FleetError("fleet validate is not built yet");
}
