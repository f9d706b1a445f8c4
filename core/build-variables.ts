/**
 * The `FLEET_*` environment variables passed between parts: the tenant stack sets some on the assets
 * tracker and on the deployer project, the tracker adds the per-release ones to each build, the deployer
 * reads them all and hands a few to the apply command. Written out here only, so that the producer and
 * the consumer of a variable cannot disagree on its name.
 */
export const BUILD_VAR = {
  // Set by the tenant stack on the assets tracker (and the first two on the deployer project too).
  environment: "FLEET_ENVIRONMENT",
  artifactBucket: "FLEET_ARTIFACT_BUCKET",
  centralAccountId: "FLEET_CENTRAL_ACCOUNT_ID",
  codeBuildProject: "FLEET_CODEBUILD_PROJECT",
  // Set by the tenant stack on the assets tracker and on the deployer project: the fleet's one app.
  appName: "FLEET_APP_NAME",
  // Set by the tenant stack on the deployer project.
  centralRegion: "FLEET_CENTRAL_REGION",
  stateBucket: "FLEET_STATE_BUCKET",
  stateRegion: "FLEET_STATE_REGION",
  hold: "FLEET_HOLD",
  deployedVersionParameter: "FLEET_DEPLOYED_VERSION_PARAMETER",
  // Set by the tenant stack on the deployer project when the environment has `health:` (core/health.ts).
  healthAlarms: "FLEET_HEALTH_ALARMS",
  healthBakeMinutes: "FLEET_HEALTH_BAKE_MINUTES",
  // Added to each build by the assets tracker: the release being deployed.
  releaseKey: "FLEET_RELEASE_KEY",
  releaseVersionId: "FLEET_RELEASE_VERSION_ID",
  app: "FLEET_APP",
  version: "FLEET_VERSION",
  releaseId: "FLEET_RELEASE_ID",
  // Deployer settings an operator (or the local run) may add.
  applyCommand: "FLEET_APPLY_COMMAND",
  workDir: "FLEET_WORK_DIR",
  terraformBin: "FLEET_TERRAFORM_BIN",
  lockTimeout: "FLEET_LOCK_TIMEOUT",
  maxArchiveBytes: "FLEET_MAX_ARCHIVE_BYTES",
  maxArchiveFiles: "FLEET_MAX_ARCHIVE_FILES",
  healthPollSeconds: "FLEET_HEALTH_POLL_SECONDS",
  // Passed by the deployer to the apply command.
  stackDir: "FLEET_STACK_DIR",
  artifactDir: "FLEET_ARTIFACT_DIR",
  /** `deploy` or `destroy` (a decommissioning release): tells an apply command given in FLEET_APPLY_COMMAND which to do. */
  action: "FLEET_ACTION",
} as const;

export type BuildVariable = (typeof BUILD_VAR)[keyof typeof BUILD_VAR];
