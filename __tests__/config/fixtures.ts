/** Valid file texts for config tests; each test breaks one thing. */
export const FLEET_YAML = `# yaml-language-server: $schema=./schema.json
central:
  accountId: "210987654321"
  region: eu-west-1
  artifactBucket: acme-fleet-artifacts
  stateBucket: acme-fleet-tfstate
  bitbucket:
    workspace: acme
    workspaceUuid: "{6f1c2d3e-4a5b-4c6d-8e7f-9a0b1c2d3e4f}"
    repositoryUuids:
      - "{0f6e2a9c-1b77-4c3e-9d11-5b1c2f0e7a1d}"
    releaseEnvironments:
      - "{3c9a7e21-5d4b-4f6a-8b2c-1e0d9f8a7b6c}"
app:
  name: payments-api
defaults:
  region: eu-west-1
  tags:
    owner: sre
`;

export function envYaml(name: string, accountId: string, wave = 0, extra = ""): string {
  return `name: ${name}\naccountId: "${accountId}"\nwave: ${wave}\n${extra}`;
}

/** fleet.yaml + alpha (wave 0) + bravo (wave 1, eu-central-1), all valid. */
export function validFleet(dir = "environments"): Record<string, string> {
  return {
    [`${dir}/fleet.yaml`]: FLEET_YAML,
    [`${dir}/alpha.yaml`]: envYaml("alpha", "012345678901", 0),
    [`${dir}/bravo.yaml`]: envYaml("bravo", "123456789013", 1, "region: eu-central-1\n"),
  };
}
