/**
 * `aws_codebuild_project`: not created in moto (its CodeBuild drops the overrides the chain depends on)
 * but read into the local CodeBuild's project list: name, account, region, build limit, timeout, variables.
 */
import type { EnvironmentVariable } from "../codebuild-server";
import { block, isObject, str } from "./json";
import type { ResourceType } from "./types";

export const codeBuildProject: ResourceType = (ctx) => {
  const cfg = ctx.config();
  if (!cfg) return;
  const env = block(cfg.environment);
  const vars = (Array.isArray(env?.environment_variable) ? env.environment_variable : env?.environment_variable ? [env.environment_variable] : []).filter(isObject);
  const environmentVariables: EnvironmentVariable[] = vars.map((v) => ({ name: str(v.name) ?? "", value: str(v.value) ?? "", type: str(v.type) ?? "PLAINTEXT" }));
  ctx.addProject({
    name: str(cfg.name) ?? ctx.resource.name,
    account: ctx.placement.account,
    region: ctx.placement.region,
    ...(typeof cfg.concurrent_build_limit === "number" ? { concurrentBuildLimit: cfg.concurrent_build_limit } : {}),
    ...(typeof cfg.build_timeout === "number" ? { timeoutMinutes: cfg.build_timeout } : {}),
    environmentVariables,
  });
  ctx.notProvisioned();
};
