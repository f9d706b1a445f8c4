/**
 * The S3 client of the pipe and of `fleet publish|release`. Credentials: with
 * `AWS_OIDC_ROLE_ARN`, the step's Bitbucket OIDC token is exchanged for the role (no keys anywhere);
 * without it, static keys from the given environment, else the SDK's default chain (profile, web identity
 * file, instance role). Endpoints and
 * region come from the standard AWS_* settings, plus FLEET_S3_FORCE_PATH_STYLE.
 */
import { S3Client } from "@aws-sdk/client-s3";
import { fromWebToken } from "@aws-sdk/credential-providers";
import { s3Settings } from "../core/aws-config";
import { CredentialsError } from "./errors";
import type { Env } from "./variables";

export interface S3Options {
  /** Region of the bucket; default AWS_REGION / AWS_DEFAULT_REGION. */
  readonly region?: string;
}

export function oidcPreflight(env: Env): string | undefined {
  const role = env.AWS_OIDC_ROLE_ARN;
  if (!role) return undefined;
  if (!/^arn:aws[a-z-]*:iam::\d{12}:role\/[\w+=,.@/-]+$/.test(role)) return `AWS_OIDC_ROLE_ARN ${JSON.stringify(role)} is not an IAM role ARN (arn:aws:iam::<account>:role/<name>)`;
  if (!env.BITBUCKET_STEP_OIDC_TOKEN) {
    return "AWS_OIDC_ROLE_ARN is set but BITBUCKET_STEP_OIDC_TOKEN is not: add `oidc: true` to this step in bitbucket-pipelines.yml";
  }
  return undefined;
}

export function createS3(env: Env, options: S3Options = {}): S3Client {
  const problem = oidcPreflight(env);
  if (problem) throw new CredentialsError(problem);
  const region = options.region ?? env.AWS_REGION ?? env.AWS_DEFAULT_REGION;
  const role = env.AWS_OIDC_ROLE_ARN;
  // `env` is passed explicitly (tests, the local run): honour its endpoint settings, not only process.env's.
  const s3Endpoint = env.AWS_ENDPOINT_URL_S3 ?? env.AWS_ENDPOINT_URL;
  const stsEndpoint = env.AWS_ENDPOINT_URL_STS ?? env.AWS_ENDPOINT_URL;
  const credentials = role
    ? fromWebToken({
        roleArn: role,
        webIdentityToken: env.BITBUCKET_STEP_OIDC_TOKEN!,
        // Shows up in CloudTrail: which build assumed the role.
        roleSessionName: `bitbucket-${(env.BITBUCKET_REPO_SLUG ?? "pipe").slice(0, 30)}-${env.BITBUCKET_BUILD_NUMBER ?? "0"}`.replace(/[^\w+=,.@-]/g, "-").slice(0, 64),
        clientConfig: { ...(region ? { region } : {}), ...(stsEndpoint ? { endpoint: stsEndpoint } : {}) },
      })
    : env.AWS_ACCESS_KEY_ID && env.AWS_SECRET_ACCESS_KEY
      ? { accessKeyId: env.AWS_ACCESS_KEY_ID, secretAccessKey: env.AWS_SECRET_ACCESS_KEY, ...(env.AWS_SESSION_TOKEN ? { sessionToken: env.AWS_SESSION_TOKEN } : {}) }
      : undefined;
  const maxAttempts = env.AWS_MAX_ATTEMPTS && /^\d+$/.test(env.AWS_MAX_ATTEMPTS) ? Number(env.AWS_MAX_ATTEMPTS) : undefined;
  return new S3Client({
    ...s3Settings(env),
    ...(region ? { region } : {}),
    ...(s3Endpoint ? { endpoint: s3Endpoint } : {}),
    ...(credentials ? { credentials } : {}),
    ...(maxAttempts ? { maxAttempts } : {}),
  });
}

/** HTTP status of an SDK error, if any. */
export function httpStatus(err: unknown): number | undefined {
  return (err as { $metadata?: { httpStatusCode?: number } } | undefined)?.$metadata?.httpStatusCode;
}

export function errorName(err: unknown): string {
  return (err as { name?: string } | undefined)?.name ?? "Error";
}
