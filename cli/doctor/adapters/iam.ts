/** IAM: does a role exist (the doctor reads, it never assumes the roles it checks except its own). */
import { GetRoleCommand, type IAMClient } from "@aws-sdk/client-iam";
import type { Probe } from "../facts";
import { probe } from "./probe";

export async function roleFacts(iam: IAMClient, names: readonly string[]): Promise<Record<string, Probe<true>>> {
  const entries = await Promise.all(
    names.map(async (name) => [name, await probe(async () => ((await iam.send(new GetRoleCommand({ RoleName: name }))).Role ? (true as const) : undefined), /NoSuchEntity/)] as const),
  );
  return Object.fromEntries(entries);
}
