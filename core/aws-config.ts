/**
 * Client settings shared by every AWS client of the fleet. The SDK itself honours
 * `AWS_REGION`, `AWS_ENDPOINT_URL` and `AWS_ENDPOINT_URL_<SERVICE>`; this adds the one switch it lacks,
 * `FLEET_S3_FORCE_PATH_STYLE=true`, which local S3 servers on 127.0.0.1 need. Pure: the caller passes env.
 */
export interface S3Settings {
  readonly forcePathStyle: boolean;
}

export function s3Settings(env: Readonly<Record<string, string | undefined>>): S3Settings {
  return { forcePathStyle: env.FLEET_S3_FORCE_PATH_STYLE === "true" };
}
