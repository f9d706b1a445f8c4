import { chmodSync } from "node:fs";
import { join } from "node:path";
import { checkMotoInstalled } from "../../cli/local/moto";
import { removeDir, tempDir, writeTree } from "../helpers/fs";

describe("Local AWS prerequisites", () => {
  let dir: string;
  beforeAll(() => {
    dir = tempDir("fleet-moto-");
    // A python3 without moto: what `import moto.server` prints there.
    writeTree(dir, { "python-without-moto": "#!/bin/sh\necho \"ModuleNotFoundError: No module named 'moto'\" >&2\nexit 1\n" });
    chmodSync(join(dir, "python-without-moto"), 0o755);
  });
  afterAll(() => removeDir(dir));

  it("names the install command when moto is missing", () => {
    // Act
    const act = () => checkMotoInstalled(join(dir, "python-without-moto"));

    // Assess
    expect(act).toThrow('fleet local needs moto (the local AWS) for ' + join(dir, "python-without-moto") + ': pip install "moto[server]" (import failed: ModuleNotFoundError: No module named \'moto\')');
  });

  it("says that python itself is missing", () => {
    // Act
    const act = () => checkMotoInstalled(join(dir, "no-such-python"));

    // Assess
    expect(act).toThrow(/python3 with moto .* was not found .* Install Python 3, then pip install "moto\[server\]"/);
  });
});
