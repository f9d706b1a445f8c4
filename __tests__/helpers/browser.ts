/**
 * The system's headless Chromium (Debian's `chromium` package; CI installs it when missing), driven by
 * puppeteer-core. Found on PATH or through FLEET_CHROMIUM. In CI a missing browser fails the test; elsewhere
 * the browser tests skip with a printed reason.
 */
import { execFileSync } from "node:child_process";
import { existsSync } from "node:fs";
import puppeteer, { type Browser } from "puppeteer-core";

export function findChromium(): string | undefined {
  const configured = process.env.FLEET_CHROMIUM;
  if (configured) return existsSync(configured) ? configured : undefined;
  for (const name of ["chromium", "chromium-browser", "google-chrome"]) {
    try {
      const path = execFileSync("which", [name], { encoding: "utf8", stdio: ["ignore", "pipe", "ignore"] }).trim();
      if (path) return path;
    } catch {
      // not this one
    }
  }
  return undefined;
}

export async function launchChromium(executablePath: string): Promise<Browser> {
  return puppeteer.launch({
    executablePath,
    headless: true,
    // Containers run as root without user namespaces; the page under test is our own file.
    args: ["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--no-first-run", "--disable-background-networking", "--disable-component-update"],
  });
}

/** `describe` when a browser is there; otherwise a skip with the reason (a failure in CI). */
export function describeWithBrowser(name: string, fn: (chromium: () => string) => void): void {
  const path = findChromium();
  if (path === undefined && process.env.CI !== "true") {
    describe(name, () => {
      it.skip("needs a Chromium: install Debian's chromium package or set FLEET_CHROMIUM", () => undefined);
    });
    console.warn(`skipped "${name}": no chromium on PATH (install Debian's chromium package or set FLEET_CHROMIUM)`);
    return;
  }
  describe(name, () =>
    fn(() => {
      if (path === undefined) throw new Error("no chromium on PATH: CI must install Debian's chromium package (.ci/run does)");
      return path;
    }),
  );
}
