import { chmodSync } from "node:fs";
import { join } from "node:path";
import { checkMotoInstalled, pythonFrom } from "../../cli/local/moto";
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
    expect(act).toThrow('fleet local needs moto (the local AWS) for ' + join(dir, "python-without-moto") + ': python3 -m venv ~/.venvs/fleet-moto && ~/.venvs/fleet-moto/bin/pip install "moto[server]", then export FLEET_PYTHON=~/.venvs/fleet-moto/bin/python (import failed: ModuleNotFoundError: No module named \'moto\')');
  });

  it("FLEET_PYTHON names the interpreter (a virtualenv's python); unset or empty means python3", () => {
    expect(pythonFrom({ FLEET_PYTHON: "/opt/venv/bin/python" })).toBe("/opt/venv/bin/python");
    expect(pythonFrom({ FLEET_PYTHON: " " })).toBe("python3");
    expect(pythonFrom({})).toBe("python3");
  });

  it("says that python itself is missing", () => {
    // Act
    const act = () => checkMotoInstalled(join(dir, "no-such-python"));

    // Assess
    expect(act).toThrow(/Python with moto .* was not found .* Install Python 3, then python3 -m venv .* export FLEET_PYTHON=/);
  });
});
