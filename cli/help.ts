/** Help text from a command's spec: usage line, options with their defaults, examples. */
import type { Paint } from "./color";
import { defaultNote, type CommandSpec, type OptionSpec } from "./spec";

function flag(name: string, option: OptionSpec): string {
  const short = option.short ? `-${option.short}, ` : "    ";
  const value = option.type === "string" ? ` <${option.placeholder ?? name}>` : "";
  return `${short}--${name}${value}${option.multiple ? " ..." : ""}`;
}

function usageLine(spec: CommandSpec): string {
  const positionals = spec.positionals ? ` ${spec.positionals}` : "";
  const visible = Object.values(spec.options).some((o) => !o.internal);
  return `fleet ${spec.name}${positionals}${visible ? " [options]" : ""}`;
}

function renderParent(spec: CommandSpec, subs: Readonly<Record<string, CommandSpec>>, p: Paint): string {
  const width = Math.max(...Object.keys(subs).map((s) => s.length)) + 2;
  return [
    `${p.bold(`fleet ${spec.name}`)}: ${spec.summary}`,
    "",
    `${p.bold("Usage:")} fleet ${spec.name} <${Object.keys(subs).join("|")}> [options]`,
    ...(spec.details && spec.details.length > 0 ? ["", ...spec.details] : []),
    "",
    p.bold("Subcommands:"),
    ...Object.entries(subs).map(([name, s]) => `  ${name.padEnd(width)}${s.summary}`),
    "",
    `Run 'fleet ${spec.name} <subcommand> --help' for its options.`,
    "",
    p.bold("Examples:"),
    ...spec.examples.map((e) => `  ${e}`),
    "",
  ].join("\n");
}

export function renderHelp(spec: CommandSpec, p: Paint): string {
  if (spec.subcommands !== undefined) return renderParent(spec, spec.subcommands, p);
  const rows = Object.entries(spec.options)
    .filter(([, o]) => !o.internal)
    .map(([name, o]): [string, string] => [flag(name, o), `${o.description} ${defaultNote(o)}`]);
  rows.push(["-h, --help", "show this help"]);
  const width = Math.max(...rows.map(([f]) => f.length)) + 2;
  return [
    `${p.bold(`fleet ${spec.name}`)}: ${spec.summary}`,
    "",
    `${p.bold("Usage:")} ${usageLine(spec)}`,
    ...(spec.details && spec.details.length > 0 ? ["", ...spec.details] : []),
    "",
    p.bold("Options:"),
    ...rows.map(([f, d]) => `  ${f.padEnd(width)}${d}`),
    "",
    p.bold("Examples:"),
    ...spec.examples.map((e) => `  ${e}`),
    "",
  ].join("\n");
}

/** `fleet` with no command, `fleet help`: every command with its one line. */
export function renderUsage(commands: readonly { name: string; summary: string }[], version: string, p: Paint): string {
  const width = Math.max(...commands.map((c) => c.name.length)) + 2;
  return [
    `${p.bold("Usage:")} fleet <command> [options]          (cdktf-fleet ${version})`,
    "",
    p.bold("Commands:"),
    ...commands.map((c) => `  ${c.name.padEnd(width)}${c.summary}`),
    "",
    "Run 'fleet <command> --help' (or 'fleet help <command>') for its options and examples.",
    "Other: fleet --version, fleet --help",
    "",
  ].join("\n");
}
