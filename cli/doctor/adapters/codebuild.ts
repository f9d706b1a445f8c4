/** CodeBuild: does the deploy project exist, with which compute type (its concurrency quota depends on it). */
import { BatchGetProjectsCommand, type CodeBuildClient } from "@aws-sdk/client-codebuild";
import type { Probe, ProjectFact } from "../facts";
import { probe } from "./probe";

export function projectFact(codebuild: CodeBuildClient, name: string): Promise<Probe<ProjectFact>> {
  return probe(async () => {
    const p = (await codebuild.send(new BatchGetProjectsCommand({ names: [name] }))).projects?.find((x) => x.name === name);
    return p ? { computeType: p.environment?.computeType ?? "" } : undefined;
  }, /ResourceNotFound/);
}
