/**
 * The tag limit of AWS counted the way the stacks apply tags: every resource of an environment gets the
 * fleet's default tags, the environment's own tags and the tags the fleet sets itself, merged by key.
 * AWS refuses a resource with more than 50; synth would not notice, the first apply would fail.
 */
import type { ConfigIssue } from "../errors";
import { locate, startOf } from "./positions";
import { FLEET_TAG_KEYS, MAX_TAGS_PER_RESOURCE } from "./schema";
import type { ParsedYaml } from "./yaml-file";

interface TagSource {
  readonly parsed: ParsedYaml;
  readonly tags: Readonly<Record<string, string>>;
}

function issueAtTags(source: TagSource, path: readonly string[], message: string): ConfigIssue {
  const found = locate(source.parsed.doc, path);
  const { line, col } = startOf(found.key ?? found.node ?? found.nearest, source.parsed.lines);
  return { file: source.parsed.file.path, line, col, message };
}

/** One issue per environment (or for fleet.yaml's defaults alone) whose resources would carry too many tags. */
export function tagLimitIssues(fleet: TagSource, envs: readonly TagSource[]): ConfigIssue[] {
  const issues: ConfigIssue[] = [];
  const own = new Set<string>(FLEET_TAG_KEYS);
  const defaults = Object.keys(fleet.tags);
  const base = new Set([...defaults, ...own]);
  if (base.size > MAX_TAGS_PER_RESOURCE) {
    issues.push(issueAtTags(fleet, ["defaults", "tags"], `defaults.tags has ${defaults.length} tags; with the ${own.size} the fleet sets itself (${FLEET_TAG_KEYS.join(", ")}) every resource would carry ${base.size}, and AWS allows at most ${MAX_TAGS_PER_RESOURCE} per resource`));
    return issues;
  }
  for (const env of envs) {
    const merged = new Set([...base, ...Object.keys(env.tags)]);
    if (merged.size <= MAX_TAGS_PER_RESOURCE) continue;
    const added = merged.size - base.size;
    issues.push(
      issueAtTags(
        env,
        ["tags"],
        `tags: every resource of this environment would carry ${merged.size} tags (${added} from this file, ${defaults.length} from fleet.yaml defaults.tags, ${own.size} the fleet sets itself, merged by key); AWS allows at most ${MAX_TAGS_PER_RESOURCE} per resource: remove ${merged.size - MAX_TAGS_PER_RESOURCE}`,
      ),
    );
  }
  return issues;
}
