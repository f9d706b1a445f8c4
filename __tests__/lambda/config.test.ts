import { readConfig } from "../../lambdas/assets_tracker/config";
import { TrackerConfigError } from "../../lambdas/assets_tracker/errors";
import { ALPHA, ALPHA_ENV } from "./events";

describe("Function: readConfig", () => {
  it("reads the five FLEET_* variables of the tenant stack", () => {
    // Act
    const config = readConfig({ ...ALPHA_ENV, UNRELATED: "x" });

    // Assess
    expect(config).toEqual(ALPHA);
  });

  it.each(Object.keys(ALPHA_ENV))("names %s when it is missing", (name) => {
    // Prepare
    const env: Record<string, string | undefined> = { ...ALPHA_ENV };
    delete env[name];

    // Act & Assess
    expect(() => readConfig(env)).toThrow(TrackerConfigError);
    expect(() => readConfig(env)).toThrow(`${name} is not set`);
  });

  it("names every bad variable at once, with the value found and what is allowed", () => {
    // Prepare
    const env = { FLEET_ENVIRONMENT: "", FLEET_ARTIFACT_BUCKET: "Acme_Bucket", FLEET_CENTRAL_ACCOUNT_ID: "21098765432", FLEET_CODEBUILD_PROJECT: "fleet deploy" };

    // Act
    let message = "";
    try {
      readConfig(env);
    } catch (err) {
      message = (err as Error).message;
    }

    // Assess
    expect(message).toContain("FLEET_ENVIRONMENT is not set (expected an environment name)");
    expect(message).toContain('FLEET_ARTIFACT_BUCKET="Acme_Bucket" is not an S3 bucket name');
    expect(message).toContain('FLEET_CENTRAL_ACCOUNT_ID="21098765432" is not a 12-digit AWS account id');
    expect(message).toContain('FLEET_CODEBUILD_PROJECT="fleet deploy" is not a CodeBuild project name');
  });
});
