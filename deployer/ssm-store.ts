/**
 * The deployed-version parameter (AWS adapter): `/fleet/<env>/<app>/deployed-version`, created by the tenant
 * stack with `0.0.0` and written only by this environment's deployer role.
 */
import { GetParameterCommand, PutParameterCommand, type SSMClient } from "@aws-sdk/client-ssm";
import { DeployFailedError } from "./errors";
import { awsMessage } from "./s3-store";

export class DeployedVersionParameter {
  constructor(
    private readonly ssm: SSMClient,
    readonly name: string,
  ) {}

  /** The deployed version, or undefined when the parameter does not exist (never deployed). */
  async get(): Promise<string | undefined> {
    try {
      const res = await this.ssm.send(new GetParameterCommand({ Name: this.name }));
      return res.Parameter?.Value;
    } catch (err) {
      if ((err as { name?: string }).name === "ParameterNotFound") return undefined;
      throw new DeployFailedError(`could not read parameter ${this.name}: ${awsMessage(err)}`);
    }
  }

  async put(version: string): Promise<void> {
    try {
      await this.ssm.send(new PutParameterCommand({ Name: this.name, Value: version, Type: "String", Overwrite: true }));
    } catch (err) {
      throw new DeployFailedError(`could not write parameter ${this.name}: ${awsMessage(err)}`);
    }
  }
}
