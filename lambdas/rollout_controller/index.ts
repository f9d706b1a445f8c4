/**
 * Lambda entry (`fleet-rollout-controller`, nodejs22.x, bundled to dist/lambdas/rollout_controller/index.js):
 * wires the configuration, the S3 store and the log writer into handler.ts. The client is created once per
 * container, on the first invocation (a bad configuration fails the invocation, logged, not the init).
 */
import { S3Client } from "@aws-sdk/client-s3";
import { s3Settings } from "../../core/aws-config";
import type { RolloutStore } from "../../core/rollout/store";
import { readControllerConfig, type ControllerConfig } from "./config";
import { handleControllerEvent, type ControllerLog, type ControllerResult } from "./handler";
import { S3RolloutStore } from "../../core/rollout/s3-store";

let config: ControllerConfig | undefined;
let store: RolloutStore | undefined;

function log(line: ControllerLog): void {
  const text = JSON.stringify(line);
  if (line.level === "error") console.error(text);
  else console.log(text);
}

export async function handler(event: unknown): Promise<ControllerResult> {
  return handleControllerEvent(event, {
    config: () => (config ??= readControllerConfig(process.env)),
    store: (c) => (store ??= new S3RolloutStore(new S3Client({ ...s3Settings(process.env) }), c.artifactBucket)),
    log,
    sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
  });
}
