/**
 * Every variable the pipe reads, described once. pipe.yml's `variables:` list and the README's table are
 * generated from this list (scripts/pipe-repo.mjs --write), and a test checks both that they agree with it
 * and that every name pipe/settings.ts and pipe/review/settings.ts read is here. Data only: no imports, so
 * the generator can load it without the pipe.
 */
export type VariableKind = "string" | "boolean" | "number" | "list" | "secret";
export type PipeMode = "publish" | "release" | "review";

export interface PipeVariable {
  readonly name: string;
  readonly kind: VariableKind;
  /** `true`: always; a string: when ("unless SONAR_SKIP is 'true'"); absent: optional. */
  readonly required?: true | string;
  /** What applies when the variable is not set, as a user reads it. */
  readonly default?: string;
  readonly modes: readonly PipeMode[];
  readonly description: string;
  /** Set by the platform (Bitbucket, or an AWS container); listed because the pipe reads it, not for users to pass. */
  readonly platform?: boolean;
}

const ALL: readonly PipeMode[] = ["publish", "release", "review"];
const PUBLISH: readonly PipeMode[] = ["publish"];
const SHIP: readonly PipeMode[] = ["publish", "release"];
const REVIEW: readonly PipeMode[] = ["review"];

export const PIPE_VARIABLES: readonly PipeVariable[] = [
  { name: "AWS_OIDC_ROLE_ARN", kind: "string", required: "for OIDC, the recommended way", modes: SHIP, description: "ARN of the IAM role the pipe assumes with the step's OpenID Connect token (the `uploader_role_arn` output of `cdktf output central`). Needs `oidc: true` on the step. Without it the default AWS credential chain is used." },
  { name: "SONAR_HOST_URL", kind: "string", required: "unless SONAR_SKIP is 'true'", modes: PUBLISH, description: "URL of the SonarQube server, e.g. `https://sonar.example.com`. Also replaces the server URL written in `report-task.txt`." },
  { name: "SONAR_TOKEN", kind: "secret", required: "unless SONAR_SKIP is 'true'", modes: PUBLISH, description: "SonarQube token with *Execute Analysis* and *Browse* on the project. Pass it from a secured variable; never printed, not even with `DEBUG`." },
  { name: "MODE", kind: "string", default: "`review` in a pull-request pipeline, otherwise `publish`", modes: ALL, description: "`publish`, `review`, `release` or `rollout`. `release` and `rollout` must be asked for explicitly; `rollout` starts a rollout of the version through the waves under the `rollout:` policy of `fleet.yaml` (docs/rollout.md)." },
  { name: "APP", kind: "string", default: "`app.name` of `$FLEET_DIR/fleet.yaml`", modes: SHIP, description: "Application name: lower-case letters, digits and dashes, 2-40 characters." },
  { name: "VERSION", kind: "string", default: "the tag of a tag build (`v1.4.2` → `1.4.2`), else `<package.json version>-build.<build number>`", modes: SHIP, description: "SemVer without build metadata (`1.4.2`, `1.5.0-rc.1`). In `release` mode: the tag of a tag pipeline, otherwise required." },
  { name: "S3_BUCKET", kind: "string", default: "`central.artifactBucket` of `fleet.yaml`", modes: SHIP, description: "The central artifact bucket (the `artifact_bucket_name` output of `cdktf output central`)." },
  { name: "AWS_REGION", kind: "string", default: "`central.region` of `fleet.yaml`", modes: SHIP, description: "Region of the artifact bucket." },
  { name: "AWS_ACCESS_KEY_ID", kind: "string", default: "none", modes: SHIP, description: "Only without `AWS_OIDC_ROLE_ARN`: a long-lived key, which this pipe does not recommend. Pass it from a secured variable." },
  { name: "AWS_SECRET_ACCESS_KEY", kind: "secret", default: "none", modes: SHIP, description: "Only with `AWS_ACCESS_KEY_ID`. Never printed." },
  { name: "AWS_SESSION_TOKEN", kind: "secret", default: "none", modes: SHIP, description: "Only with temporary keys in `AWS_ACCESS_KEY_ID`. Never printed." },
  { name: "AWS_DEFAULT_REGION", kind: "string", default: "none", modes: SHIP, description: "Read when `AWS_REGION` is not set." },
  { name: "FLEET_DIR", kind: "string", default: "`environments`", modes: ALL, description: "Directory of the fleet configuration in the clone." },
  { name: "RELEASE_TO", kind: "list", required: "in `release` mode", default: "`[]`", modes: SHIP, description: "Environment names and/or `wave:N`. In `publish` mode: release right after publishing. An environment on hold, or pinned to another version, refuses the whole request." },
  { name: "RELEASE_REASON", kind: "string", default: "`pipeline <build number>` in publish mode, empty in release mode", modes: SHIP, description: "Free text stored in the release records." },
  { name: "ALLOW_DOWNGRADE", kind: "boolean", default: "`false`", modes: SHIP, description: "`'true'` lets tenants apply a version older than the one they run (rollbacks)." },
  { name: "LINT_COMMAND", kind: "list", default: "`['npm', 'run', 'lint']`", modes: PUBLISH, description: "Lint command as a list (argv, no shell). An empty list skips lint." },
  { name: "TEST_COMMAND", kind: "list", default: "`['npm', 'test']`", modes: PUBLISH, description: "Unit-test command as a list. An empty list skips the tests." },
  { name: "SONAR_SKIP", kind: "boolean", default: "`false`", modes: PUBLISH, description: "`'true'` skips the scan and the quality gate: a loud warning, recorded in the manifest (`gate.sonar: skipped`)." },
  { name: "SONAR_SCANNER_COMMAND", kind: "list", default: "`['sonar-scanner']` (in the image)", modes: PUBLISH, description: "Scanner command as a list, e.g. `['npx', '@sonar/scan']` or a Maven/Gradle goal." },
  { name: "SONAR_REPORT_FILE", kind: "string", default: "`.scannerwork/report-task.txt`", modes: PUBLISH, description: "Where the scanner writes `report-task.txt` (Maven: `target/sonar/report-task.txt`, Gradle: `build/sonar/report-task.txt`)." },
  { name: "SONAR_TIMEOUT", kind: "number", default: "`300`", modes: PUBLISH, description: "Seconds to wait for the server to process the analysis." },
  { name: "SONAR_POLL_INTERVAL", kind: "number", default: "`5`", modes: PUBLISH, description: "Seconds between two polls of the analysis task." },
  { name: "SONAR_WARN_FAILS", kind: "boolean", default: "`true`", modes: PUBLISH, description: "Whether a `WARN` quality gate (older SonarQube) fails the build." },
  { name: "SONAR_AUTH", kind: "string", default: "`basic`", modes: PUBLISH, description: "`basic` (token as user name, every version) or `bearer` (SonarQube 10+, SonarCloud)." },
  { name: "SYNTH_COMMAND", kind: "list", default: "`['npx', 'cdktf', 'synth']`", modes: ["publish", "review"], description: "Command that writes `cdktf.out/`, as a list. An empty list skips it (pre-synthesized output); review mode then needs `REVIEW_PLANS`." },
  { name: "PACKAGE_PATHS", kind: "list", default: "the whole clone", modes: PUBLISH, description: "Paths (relative to the clone) to put into the artifact." },
  { name: "PACKAGE_EXCLUDES", kind: "list", default: "`['.git', '.hg', '.svn', 'node_modules', '.terraform', '.DS_Store', 'Thumbs.db', '.scannerwork', '.idea', '.vscode']`", modes: PUBLISH, description: "Names (any depth) or clone-relative paths left out of the artifact." },
  { name: "BITBUCKET_ACCESS_TOKEN", kind: "secret", default: "none: the review is printed, not posted", modes: REVIEW, description: "Repository or workspace access token with `pullrequest:write`, for the review comment and the Code Insights report. Pass it from a secured variable." },
  { name: "PLAN_ROLE_ARN", kind: "string", default: "none: no plans, the review compares the synthesized stacks", modes: REVIEW, description: "IAM role (read-only) assumed with the step's OIDC token to run `terraform plan` per changed stack." },
  { name: "REVIEW_PLAN", kind: "boolean", default: "`true` when `PLAN_ROLE_ARN` is set", modes: REVIEW, description: "Run `terraform plan` per changed stack with the step's own credentials." },
  { name: "REVIEW_PLANS", kind: "list", default: "`[]`", modes: REVIEW, description: "Pre-made `terraform show -json` files to summarize as they are: no synth, no plan." },
  { name: "REVIEW_BASE_REF", kind: "string", default: "`origin/<destination branch>`", modes: REVIEW, description: "Git ref the pull request is compared with." },
  { name: "REVIEW_COMMENT_BUDGET", kind: "number", default: "`30000`", modes: REVIEW, description: "Maximum characters of the pull-request comment (1000 to 100000); details beyond it are cut, the totals never." },
  { name: "TERRAFORM_BIN", kind: "string", default: "`terraform` (in the image)", modes: REVIEW, description: "The terraform executable for plans." },
  { name: "BITBUCKET_API_URL", kind: "string", default: "`https://api.bitbucket.org/2.0`", modes: REVIEW, description: "Bitbucket API base URL (a self-hosted gateway or a test server)." },
  { name: "BITBUCKET_PROXY_URL", kind: "string", default: "none", modes: REVIEW, description: "HTTP proxy for the Bitbucket API, `http://host:port`." },
  { name: "STATUS_PAGE_UPLOAD", kind: "boolean", default: "`false`", modes: ALL, description: "`'true'` also uploads the status page (`status.html`, always written beside `result.json`) to the central bucket and prints a presigned link." },
  { name: "STATUS_PAGE_LINK_MINUTES", kind: "number", default: "`60`", modes: ALL, description: "How long the status page link stays valid (1 to 720 minutes); the bucket stays private." },
  { name: "DEBUG", kind: "boolean", default: "`false`", modes: ALL, description: "`'true'` prints the settings (secrets masked) and every HTTP call." },
  // Set by the platform.
  { name: "AWS_CONTAINER_AUTHORIZATION_TOKEN", kind: "secret", platform: true, modes: ALL, description: "Container credentials of an AWS runtime (masked if present)." },
  { name: "AWS_SECURITY_TOKEN", kind: "secret", platform: true, modes: ALL, description: "The older name of an AWS session token (masked if present)." },
  { name: "BITBUCKET_APP_PASSWORD", kind: "secret", platform: true, modes: ALL, description: "A Bitbucket app password, if the step has one (masked if present; the pipe does not use it)." },
  { name: "BITBUCKET_STEP_OIDC_TOKEN", kind: "secret", platform: true, modes: ALL, description: "The step's OpenID Connect token (only with `oidc: true`)." },
  { name: "BITBUCKET_PR_ID", kind: "string", platform: true, modes: ALL, description: "Set in pull-request pipelines: selects review mode." },
  { name: "BITBUCKET_PR_DESTINATION_BRANCH", kind: "string", platform: true, modes: REVIEW, description: "The branch a pull request merges into." },
  { name: "BITBUCKET_TAG", kind: "string", platform: true, modes: SHIP, description: "The tag of a tag build: the default version." },
  { name: "BITBUCKET_BUILD_NUMBER", kind: "string", platform: true, modes: ALL, description: "Build number: pre-release versions and release reasons." },
  { name: "BITBUCKET_COMMIT", kind: "string", platform: true, modes: ALL, description: "The commit, recorded in the manifest." },
  { name: "BITBUCKET_WORKSPACE", kind: "string", platform: true, modes: REVIEW, description: "Workspace of the repository." },
  { name: "BITBUCKET_REPO_SLUG", kind: "string", platform: true, modes: ALL, description: "Repository slug." },
  { name: "BITBUCKET_CLONE_DIR", kind: "string", platform: true, modes: ALL, description: "Where the clone is mounted." },
  { name: "BITBUCKET_PIPE_STORAGE_DIR", kind: "string", platform: true, modes: ALL, description: "The pipe's own storage: the artifact, `result.json` and `outputs.env`." },
];

/** The variables a user passes (the platform's own are left out). */
export const USER_VARIABLES = PIPE_VARIABLES.filter((v) => !v.platform);
