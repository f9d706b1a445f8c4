/**
 * Every registered command explains itself: `fleet <command> --help` and `fleet help <command>` exit 0
 * and name every option the command's parser really accepts, with its default, and an example. The list
 * of commands is read from the dispatcher, so a command added later is covered without editing this file.
 */
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { HelpRequested } from "../../cli/args";
import { COMMANDS, main } from "../../cli/main";
import { defaultNote } from "../../cli/spec";
import { version } from "../../package.json";
import { runCli } from "./run-cli";

const cwd = mkdtempSync(join(tmpdir(), "fleet-help-"));
const names = Object.keys(COMMANDS);

function entry(name: string) {
  const found = COMMANDS[name];
  if (found === undefined) throw new Error(`no command ${name}`);
  return found;
}

/** The option names the command's own parser accepts: its parse call stops at --help and says them. */
async function acceptedOptions(name: string): Promise<string[]> {
  const command = await entry(name).load();
  const sink = { write: () => true };
  try {
    await command({ argv: ["--help"], env: {}, cwd, stdout: sink, stderr: sink });
  } catch (err) {
    if (err instanceof HelpRequested) return [...err.accepted];
    throw err;
  }
  throw new Error(`fleet ${name} --help ran the command instead of stopping at its argument parser`);
}

describe("fleet <command> --help", () => {
  it("knows at least the commands of the first release", () => {
    expect(names).toEqual(expect.arrayContaining(["validate", "schema", "synth", "package", "publish", "release", "status", "review", "local"]));
  });

  it.each(names)("%s: has a spec whose options are exactly the ones its parser accepts", async (name) => {
    const spec = entry(name).spec;
    expect(spec).toBeDefined();
    expect(Object.keys(spec?.options ?? {}).sort()).toEqual((await acceptedOptions(name)).sort());
  });

  it.each(names)("%s: --help and help <command> print synopsis, every option with its default and an example, exit 0", async (name) => {
    const spec = entry(name).spec;
    if (spec === undefined) throw new Error(`fleet ${name} has no spec (cli/specs/)`);
    const viaFlag = await runCli([name, "--help"], cwd);
    const viaHelp = await runCli(["help", name], cwd);
    expect(viaFlag).toEqual(viaHelp);
    expect(viaFlag.code).toBe(0);
    expect(viaFlag.stderr).toBe("");
    const text = viaFlag.stdout;
    expect(text).toContain(`Usage: fleet ${name}`);
    const options = Object.entries(spec.options);
    for (const [option] of options.filter(([, o]) => o.internal)) expect(text).not.toContain(`--${option}`);
    for (const [option, o] of options.filter(([, o]) => !o.internal)) {
      const optionLines = text.slice(text.indexOf("Options:"), text.indexOf("Examples:")).split("\n");
      const line = optionLines.find((l) => new RegExp(`--${option}\\b(?!-)`).test(l));
      expect(line).toBeDefined();
      expect(line).toContain(defaultNote(o));
    }
    expect(spec.examples.length).toBeGreaterThan(0);
    for (const e of spec.examples) {
      expect(e.startsWith(`fleet ${name}`)).toBe(true);
      expect(text).toContain(e);
    }
  });

  it("-h is --help, also after other options, and a required option missing does not stop it", async () => {
    const r = await runCli(["release", "--app", "web", "-h"], cwd);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain("--allow-downgrade");
  });
});

describe("fleet without a command, --version, unknown commands", () => {
  it("no arguments: usage on stderr, nothing on stdout, exit 2", async () => {
    const r = await runCli([], cwd);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe("");
    for (const name of names) expect(r.stderr).toContain(`  ${name} `);
  });

  it("--help and help: the command list on stdout, exit 0", async () => {
    for (const argv of [["--help"], ["help"], ["-h"]]) {
      const r = await runCli(argv, cwd);
      expect(r.code).toBe(0);
      expect(r.stdout).toContain("Run 'fleet <command> --help'");
    }
  });

  it("--version prints the package version, exit 0", async () => {
    const r = await runCli(["--version"], cwd);
    expect(r).toEqual({ code: 0, stdout: `cdktf-fleet ${version}\n`, stderr: "" });
  });

  it("an unknown command or option is a usage error on stderr (exit 2) that points at the help", async () => {
    const cmd = await runCli(["deploy"], cwd);
    expect(cmd.code).toBe(2);
    expect(cmd.stdout).toBe("");
    expect(cmd.stderr).toContain('unknown command "deploy"');
    const opt = await runCli(["status", "--colour"], cwd);
    expect(opt.code).toBe(2);
    expect(opt.stdout).toBe("");
    expect(opt.stderr).toContain("Run 'fleet status --help'");
    const help = await runCli(["help", "deploy"], cwd);
    expect(help.code).toBe(2);
  });

  it("--json and a different --format contradict each other (exit 2); an unknown format names the allowed ones", async () => {
    const both = await runCli(["status", "--json", "--format", "table"], cwd);
    expect(both.code).toBe(2);
    expect(both.stderr).toContain("--json and --format table contradict");
    const bad = await runCli(["review", "--plans", "x.json", "--format", "yaml"], cwd);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain("--format must be markdown or json");
  });
});

describe("colour", () => {
  const run = async (env: Record<string, string>, isTTY: boolean) => {
    let out = "";
    const code = await main({ argv: ["status", "--help"], cwd, env, stdout: { write: (t: string) => (out += t), isTTY }, stderr: { write: () => true, isTTY } });
    return { code, out };
  };

  it("on a terminal the help has colour; NO_COLOR, TERM=dumb or a pipe turn it off", async () => {
    expect((await run({}, true)).out).toContain("\u001b[1m");
    expect((await run({ NO_COLOR: "1" }, true)).out).not.toContain("\u001b[");
    expect((await run({ TERM: "dumb" }, true)).out).not.toContain("\u001b[");
    expect((await run({}, false)).out).not.toContain("\u001b[");
    expect((await run({ FORCE_COLOR: "1" }, false)).out).toContain("\u001b[1m");
  });
});

describe("progress line", () => {
  const run = async (isTTY: boolean) => {
    const dir = mkdtempSync(join(tmpdir(), "fleet-progress-"));
    writeFileSync(join(dir, "a.txt"), "a\n");
    let err = "";
    let out = "";
    const code = await main({ argv: ["package", ".", "--out", join(tmpdir(), `${Date.now()}-p.zip`), "--json"], cwd: dir, env: {}, stdout: { write: (t: string) => (out += t), isTTY }, stderr: { write: (t: string) => (err += t), isTTY } });
    return { code, out, err };
  };

  it("says what a longer step is doing on a terminal's stderr, and nothing when stderr is a pipe", async () => {
    const tty = await run(true);
    expect(tty.code).toBe(0);
    expect(tty.err).toBe("… packaging . …\n");
    expect(JSON.parse(tty.out)).toMatchObject({ files: 1 });
    expect((await run(false)).err).toBe("");
  });
});
