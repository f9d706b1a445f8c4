/** SSM: the deployed-version parameter's value. */
import { GetParameterCommand, type SSMClient } from "@aws-sdk/client-ssm";
import type { Probe } from "../facts";
import { probe } from "./probe";

export function parameterFact(ssm: SSMClient, name: string): Promise<Probe<string>> {
  return probe(async () => (await ssm.send(new GetParameterCommand({ Name: name }))).Parameter?.Value, /ParameterNotFound/);
}
