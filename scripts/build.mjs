// One build for every runnable part: `npm run build`. The options, with the reasons, are in build-options.mjs.
import { build } from "esbuild";
import { allOptions } from "./build-options.mjs";

await Promise.all(allOptions.map((options) => build(options)));
