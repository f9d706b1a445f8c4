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

/** `describe` when a browser is there; in CI a failing test when not; elsewhere a skip with the reason printed. */
export function describeWithBrowser(name: string, fn: (chromium: () => string) => void): void {
  const path = findChromium();
  if (path !== undefined) {
    describe(name, () => fn(() => path));
  } else if (process.env.CI === "true") {
    describe(name, () => {
      it("needs a Chromium (CI installs Debian's chromium package)", () => {
        throw new Error("no chromium on PATH and FLEET_CHROMIUM not set");
      });
    });
  } else {
    console.warn(`SKIPPED "${name}": no chromium on PATH (install Debian's chromium package or set FLEET_CHROMIUM)`);
    // eslint-disable-next-line jest/no-disabled-tests -- skipped only without a browser, with the reason printed above
    describe.skip(name, () => fn(() => ""));
  }
}
