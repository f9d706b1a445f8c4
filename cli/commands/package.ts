import { FleetError } from "../../core/errors";
import type { CommandContext } from "../context";

export async function packageCommand(_ctx: CommandContext): Promise<number> {
  throw new FleetError("fleet package is not built yet");
}
