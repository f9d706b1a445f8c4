/** Lambda: the tracker function's configuration (state and the project it starts). */
import { GetFunctionConfigurationCommand, type LambdaClient } from "@aws-sdk/client-lambda";
import type { FunctionFact, Probe } from "../facts";
import { probe } from "./probe";

export function functionFact(lambda: LambdaClient, name: string): Promise<Probe<FunctionFact>> {
  return probe(async () => {
    const c = await lambda.send(new GetFunctionConfigurationCommand({ FunctionName: name }));
    return { state: c.State ?? "Active", environment: c.Environment?.Variables ?? {} };
  }, /ResourceNotFound/);
}
