/**
 * Environment variables whose values are secrets: never printed, masked wherever output is shown, and
 * kept from child processes that do not need them. The pipe, the review and the deployer use this list
 * (core/secrets.ts adds the rule for names nobody listed and the allow-list for untrusted children).
 */

/** Bitbucket's tokens: the step's OIDC token and the repository access token (comments). */
export const BITBUCKET_TOKEN_VARIABLES = ["BITBUCKET_STEP_OIDC_TOKEN", "BITBUCKET_ACCESS_TOKEN", "BITBUCKET_APP_PASSWORD"] as const;

/** AWS credentials (the CodeBuild container's token included). */
export const AWS_SECRET_VARIABLES = ["AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN", "AWS_SECURITY_TOKEN", "AWS_CONTAINER_AUTHORIZATION_TOKEN"] as const;

/** Credentials and tokens the platforms (AWS, CodeBuild, Bitbucket Pipelines) put into the environment. */
export const PLATFORM_SECRET_VARIABLES = [...AWS_SECRET_VARIABLES, ...BITBUCKET_TOKEN_VARIABLES] as const;

/** Every secret variable the fleet knows by name, the platform's and the tools' (SonarQube, registries). */
export const SECRET_VARIABLES = [...PLATFORM_SECRET_VARIABLES, "SONAR_TOKEN", "SONAR_LOGIN", "SONAR_PASSWORD", "NPM_TOKEN", "GITHUB_TOKEN"] as const;

/**
 * Variables a child process (lint, tests, synth) must not see: the secrets, and the access key id that
 * is only useful together with them.
 */
export const CHILD_PROCESS_WITHHELD_VARIABLES = [...SECRET_VARIABLES, "AWS_ACCESS_KEY_ID"] as const;
