/**
 * Which environment variables hold secrets, for every part that starts a child process or prints
 * output: the pipe (masking, the environment of lint/test/synth), plan review (the environment of the
 * pull request's synth and plan) and the deployer. The names are listed once, in secret-variables.ts;
 * this file adds the rule for secrets nobody listed, and the allow-list for untrusted child processes.
 */
import { SECRET_VARIABLES } from "./secret-variables";

/** The AWS credentials of the step itself: only a command that must call AWS as the step gets them. */
export const AWS_CREDENTIAL_VARIABLES: readonly string[] = [
  "AWS_ACCESS_KEY_ID",
  "AWS_SECRET_ACCESS_KEY",
  "AWS_SESSION_TOKEN",
  "AWS_SECURITY_TOKEN",
  "AWS_PROFILE",
  "AWS_ROLE_ARN",
  "AWS_WEB_IDENTITY_TOKEN_FILE",
  "AWS_ROLE_SESSION_NAME",
  "AWS_OIDC_ROLE_ARN",
  "AWS_CONTAINER_CREDENTIALS_RELATIVE_URI",
  "AWS_CONTAINER_CREDENTIALS_FULL_URI",
  "AWS_CONTAINER_AUTHORIZATION_TOKEN",
  "AWS_SHARED_CREDENTIALS_FILE",
  "AWS_CONFIG_FILE",
];

// Any variable named like a credential is treated as one, whoever set it (a repository variable
// `DEPLOY_API_KEY`, a workspace `SLACK_WEBHOOK_SECRET`).
const SECRET_NAME_RE = /(^|_)(TOKEN|SECRET|PASSWORD|PASSWD|PASSPHRASE|PRIVATE_KEY|API_KEY|ACCESS_KEY|CREDENTIALS?)(_|$)/i;

/** True for a variable whose value must never reach a log or an untrusted child process. */
export function isSecretVariable(name: string): boolean {
  return (SECRET_VARIABLES as readonly string[]).includes(name) || SECRET_NAME_RE.test(name);
}

/**
 * Variables an untrusted child process (code from a pull request: its synth, its plan) may see: what a
 * Node/Terraform toolchain needs to run, and the build's own non-secret facts. Everything else is left
 * out, whatever its name: an allow-list cannot miss a secret nobody thought of.
 */
const ALLOWED_NAMES = new Set([
  "PATH", "HOME", "USER", "LOGNAME", "SHELL", "LANG", "LANGUAGE", "TZ", "TMPDIR", "TEMP", "TMP", "TERM", "NO_COLOR", "FORCE_COLOR", "CI",
  "NODE_ENV", "NODE_OPTIONS", "NODE_PATH", "NODE_EXTRA_CA_CERTS", "SSL_CERT_FILE", "SSL_CERT_DIR",
  "HTTP_PROXY", "HTTPS_PROXY", "NO_PROXY", "http_proxy", "https_proxy", "no_proxy",
  "CHECKPOINT_DISABLE", "FLEET_DIR", "TF_IN_AUTOMATION", "TF_INPUT", "TF_PLUGIN_CACHE_DIR", "TF_CLI_CONFIG_FILE",
  "BITBUCKET_BRANCH", "BITBUCKET_COMMIT", "BITBUCKET_BUILD_NUMBER", "BITBUCKET_CLONE_DIR", "BITBUCKET_TAG", "BITBUCKET_WORKSPACE",
  "BITBUCKET_REPO_SLUG", "BITBUCKET_REPO_FULL_NAME", "BITBUCKET_REPO_UUID", "BITBUCKET_PR_ID", "BITBUCKET_PR_DESTINATION_BRANCH",
]);
const ALLOWED_PREFIXES = ["LC_", "npm_config_", "NPM_CONFIG_", "CDKTF_", "JSII_"];
/** What a child that talks to AWS (a plan with the read-only role) needs besides credentials. */
const AWS_SETTINGS_RE = /^AWS_(REGION|DEFAULT_REGION|ENDPOINT_URL(_[A-Z0-9_]+)?|STS_REGIONAL_ENDPOINTS|CA_BUNDLE|MAX_ATTEMPTS|RETRY_MODE|USE_FIPS_ENDPOINT|USE_DUALSTACK_ENDPOINT)$|^FLEET_S3_FORCE_PATH_STYLE$/;

export interface ChildEnvOptions {
  /** Also pass the AWS settings (region, endpoints): for a child that calls AWS. */
  readonly aws?: boolean;
  /** Also pass the step's own AWS credentials (only when the child must act as the step). */
  readonly awsCredentials?: boolean;
}

/** The allow-listed environment for an untrusted child process. */
export function untrustedChildEnv(env: Readonly<Record<string, string | undefined>>, options: ChildEnvOptions = {}): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(env)) {
    if (value === undefined) continue;
    const credential = AWS_CREDENTIAL_VARIABLES.includes(name);
    const allowed =
      (credential && options.awsCredentials === true) ||
      (!credential && !isSecretVariable(name) && (ALLOWED_NAMES.has(name) || ALLOWED_PREFIXES.some((p) => name.startsWith(p)) || (options.aws === true && AWS_SETTINGS_RE.test(name))));
    if (allowed) out[name] = value;
  }
  return out;
}
