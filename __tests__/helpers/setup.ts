// The AWS SDK warns on every client construction under Node 20 (it wants Node 22 from 2027); the warning
// is known and documented in the README, and would bury real test output.
const original = process.emitWarning;
process.emitWarning = function (this: NodeJS.Process, warning: string | Error, ...rest: unknown[]) {
  const text = typeof warning === "string" ? warning : warning.message;
  const type = typeof rest[0] === "string" ? rest[0] : (rest[0] as { type?: string } | undefined)?.type;
  if (type === "NodeVersionSupportWarning" || /will require node >=22/.test(text)) return;
  (original as (...a: unknown[]) => void).apply(process, [warning, ...rest]);
};
