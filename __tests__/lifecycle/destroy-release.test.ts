/** What a decommissioning release changes in the deployer: the commands and what the apply command is told. */
import { ReleaseSchema } from "../../core/records";
import { commandsFor, isDestroy } from "../../deployer/destroy";

describe("Function: commandsFor", () => {
  const settings = { applyCommand: undefined, terraformBin: "terraform", lockTimeout: "5m" };

  it("destroys with terraform for a destroy release, and applies otherwise", () => {
    // Act
    const destroy = commandsFor({ action: "destroy" }, settings);
    const deploy = commandsFor({}, settings);

    // Assess
    expect(destroy).toEqual({
      commands: [
        ["terraform", "init", "-input=false", "-no-color"],
        ["terraform", "destroy", "-auto-approve", "-input=false", "-no-color", "-lock-timeout=5m"],
      ],
      env: { FLEET_ACTION: "destroy" },
    });
    expect(deploy.commands[1]?.[1]).toBe("apply");
    expect(deploy.env).toEqual({ FLEET_ACTION: "deploy" });
  });

  it("runs a given apply command either way, telling it which through FLEET_ACTION", () => {
    // Act
    const destroy = commandsFor({ action: "destroy" }, { ...settings, applyCommand: ["node", "standin.cjs"] });

    // Assess
    expect(destroy).toEqual({ commands: [["node", "standin.cjs"]], env: { FLEET_ACTION: "destroy" } });
  });
});

describe("Release records with and without an action", () => {
  const base = {
    schema: "cdktf-fleet/release@1",
    env: "alpha",
    app: "payments-api",
    version: "1.0.0",
    artifactKey: "artifacts/payments-api/1.0.0/payments-api-1.0.0.zip",
    artifactSha256: "a".repeat(64),
    releaseId: "20261130T120000Z-0a1b2c3d",
    requestedBy: "ci",
    reason: "",
    allowDowngrade: false,
    createdAt: "2026-11-30T12:00:00.000Z",
  };

  it("reads an older release (no action) as a deploy, and refuses an unknown action", () => {
    // Act
    const old = ReleaseSchema.parse(base);
    const unknown = ReleaseSchema.safeParse({ ...base, action: "delete-everything" });

    // Assess
    expect(isDestroy(old)).toBe(false);
    expect(isDestroy(ReleaseSchema.parse({ ...base, action: "destroy" }))).toBe(true);
    expect(unknown.success).toBe(false);
  });
});
