import type { Linter, ESLint } from "eslint";

export declare const boundaryConfigs: Linter.Config[];
export declare const fleetPlugin: ESLint.Plugin;
export declare function staticSpecifiers(fileName: string, text: string): string[];
