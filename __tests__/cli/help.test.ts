/**
 * Every registered command explains itself: `fleet <command> --help` and `fleet help <command>` exit 0
 * and name every option the command's parser really accepts, with its default, and an example. The list
 * of commands is read from the dispatcher, so a command added later is covered without editing this file.
 */
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { HelpRequested, parse } from "../../cli/args";
import { UsageError } from "../../core/errors";
import { COMMANDS, main } from "../../cli/main";
import { defaultNote, defineCommand, type CommandSpec } from "../../cli/spec";
import { version } from "../../package.json";
import { runCli } from "./run-cli";

const cwd = mkdtempSync(join(tmpdir(), "fleet-help-"));
const names = Object.keys(COMMANDS);

function entry(name: string) {
  const found = COMMANDS[name];
  if (found === undefined) throw new Error(`no command ${name}`);
  return found;
}

/**
 * What `--help` is asked of: every command, and for a command with subcommands (`fleet rollout start`)
 * every subcommand, each with the spec its help is printed from.
 */
const targets: { label: string; argv: string[]; spec: CommandSpec | undefined }[] = names.flatMap((name) => {
  const spec = entry(name).spec;
  const subs = spec?.subcommands;
  if (subs === undefined) return [{ label: name, argv: [name], spec }];
  return Object.entries(subs).map(([sub, s]) => ({ label: `${name} ${sub}`, argv: [name, sub], spec: s }));
});

/**
 * The option names the command's own parser accepts: its parse call stops at --help and says them
 * (`help` itself, which some commands also declare, is every command's).
 */
async function acceptedOptions(argv: readonly string[]): Promise<string[]> {
  const [name, ...rest] = argv;
  const command = await entry(name ?? "").load();
  const sink = { write: () => true };
  try {
    await command({ argv: [...rest, "--help"], env: {}, cwd, stdout: sink, stderr: sink });
  } catch (err) {
    if (err instanceof HelpRequested) return err.accepted.filter((o) => o !== "help");
    throw err;
  }
  throw new Error(`fleet ${argv.join(" ")} --help ran the command instead of stopping at its argument parser`);
}

describe("fleet <command> --help", () => {
  it("knows at least the commands of the first release", () => {
    expect(names).toEqual(expect.arrayContaining(["validate", "schema", "synth", "package", "publish", "release", "status", "review", "local"]));
  });

  it.each(targets)("$label: has a spec whose options are exactly the ones its parser accepts", async ({ argv, spec }) => {
    expect(spec).toBeDefined();
    expect(Object.keys(spec?.options ?? {}).sort()).toEqual((await acceptedOptions(argv)).sort());
  });

  it.each(targets)("$label: --help and help <command> print synopsis, every option with its default and an example, exit 0", async ({ label, argv, spec }) => {
    if (spec === undefined) throw new Error(`fleet ${label} has no spec (cli/specs/)`);
    const viaFlag = await runCli([...argv, "--help"], cwd);
    const viaHelp = await runCli(["help", ...argv], cwd);
    expect(viaFlag).toEqual(viaHelp);
    expect(viaFlag.code).toBe(0);
    expect(viaFlag.stderr).toBe("");
    const text = viaFlag.stdout;
    expect(text).toContain(`Usage: fleet ${spec.name}`);
    const options = Object.entries(spec.options);
    for (const [option] of options.filter(([, o]) => o.internal)) expect(text).not.toContain(`--${option}`);
    for (const [option, o] of options.filter(([, o]) => !o.internal)) {
      const optionLines = text.slice(text.indexOf("Options:"), text.indexOf("Examples:")).split("\n");
      const line = optionLines.find((l) => new RegExp(`^ +(-\\w, )? *--${option}\\b(?!-)`).test(l));
      expect(line).toBeDefined();
      expect(line).toContain(defaultNote(o));
    }
    expect(spec.examples.length).toBeGreaterThan(0);
    for (const e of spec.examples) {
      expect(e.startsWith(`fleet ${spec.name}`)).toBe(true);
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
    expect((await runCli(["stauts"], cwd)).stderr).toContain('unknown command "stauts"; did you mean status?');
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

describe("a command with subcommands (the shape of fleet rollout start|status)", () => {
  const startSpec = defineCommand({
    name: "demo start",
    summary: "start something",
    options: { app: { type: "string", placeholder: "app", defaultText: "required", description: "the application" } },
    examples: ["fleet demo start --app web"],
  });
  const demoSpec = defineCommand({ name: "demo", summary: "a command with subcommands", options: {}, examples: ["fleet demo start --app web"], subcommands: { start: startSpec } });
  beforeAll(() => {
    // An old-style command: it parses by name, as commands written before the specs do.
    COMMANDS.demo = {
      spec: demoSpec,
      load: async () => async (ctx) => {
        const [sub, ...argv] = ctx.argv;
        if (sub !== "start") throw new UsageError("fleet demo: unknown subcommand");
        parse("demo start", argv, { app: { type: "string" }, help: { type: "boolean" } });
        return 0;
      },
    };
  });
  afterAll(() => {
    delete COMMANDS.demo;
  });

  it("--help lists the subcommands; <sub> --help and help <command> <sub> print the subcommand's options", async () => {
    const parent = await runCli(["demo", "--help"], cwd);
    expect(parent.code).toBe(0);
    expect(parent.stdout).toContain("Usage: fleet demo <start> [options]");
    expect(parent.stdout).toMatch(/^ {2}start {2,}start something$/m);
    const sub = await runCli(["demo", "start", "--help"], cwd);
    expect(sub).toEqual(await runCli(["help", "demo", "start"], cwd));
    expect(sub.code).toBe(0);
    expect(sub.stdout).toContain("Usage: fleet demo start [options]");
    expect(sub.stdout).toMatch(/--app <app> +the application \(required\)/);
    expect(await acceptedOptions(["demo", "start"])).toEqual(["app"]);
  });
});
