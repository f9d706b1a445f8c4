/**
 * The status page of a generated 300-tenant fleet with failures, opened from a file:// URL in the system's
 * headless Chromium: what an operator sees. Screenshots go to test-artifacts/ (gitignored) for a person to
 * look at.
 */
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import type { Browser, Page } from "puppeteer-core";
import { buildFleetStatus } from "../../core/fleet-status";
import { STATUS_SCHEMA } from "../../core/records";
import { buildStatusPageModel } from "../../core/status-page/model";
import { renderStatusPage } from "../../core/status-page/render";
import { describeWithBrowser, launchChromium } from "../helpers/browser";
import { removeDir, tempDir } from "../helpers/fs";
import { generateFleet, generatedModel, HALTED_ROLLOUT } from "./generated-fleet";

const ARTIFACTS = join(__dirname, "..", "..", "test-artifacts");

/** The few DOM members the page-side callbacks use (the project compiles without the DOM library). */
interface El {
  readonly textContent: string | null;
  readonly firstChild: El | null;
  readonly hidden: boolean;
  readonly offsetParent: unknown;
  readonly innerText: string;
  querySelector(selector: string): El | null;
  getAttribute(name: string): string | null;
  getBoundingClientRect(): { readonly bottom: number };
}
interface Win {
  readonly innerWidth: number;
  readonly pwned?: number;
  readonly document: { readonly documentElement: { readonly scrollWidth: number }; readonly body: { readonly scrollWidth: number } };
}

describeWithBrowser("status page in Chromium", (chromium) => {
  let browser: Browser;
  let dir: string;
  let url: string;
  const failed = generateFleet(300).failedEnvs;

  beforeAll(async () => {
    dir = tempDir("status-page-");
    const file = join(dir, "status.html");
    writeFileSync(file, renderStatusPage(generatedModel(300, HALTED_ROLLOUT)));
    url = pathToFileURL(file).href;
    mkdirSync(ARTIFACTS, { recursive: true });
    browser = await launchChromium(chromium());
  });
  afterAll(async () => {
    await browser?.close();
    removeDir(dir);
  });

  /** A page that records console errors, page errors and every request other than the page itself. */
  async function open(options: { width: number; height: number; javaScript?: boolean; dark?: boolean; target?: string }) {
    const page = await browser.newPage();
    const errors: string[] = [];
    const requests: string[] = [];
    const target = options.target ?? url;
    page.on("console", (m) => {
      if (m.type() === "error") errors.push(m.text());
    });
    page.on("pageerror", (e) => errors.push(String(e)));
    await page.setRequestInterception(true);
    page.on("request", (r) => {
      if (r.url() === target) return void r.continue();
      requests.push(r.url());
      void r.abort();
    });
    await page.setJavaScriptEnabled(options.javaScript ?? true);
    await page.setViewport({ width: options.width, height: options.height });
    if (options.dark) await page.emulateMediaFeatures([{ name: "prefers-color-scheme", value: "dark" }]);
    await page.goto(target, { waitUntil: "load" });
    return { page, errors, requests };
  }

  /** [tenant, result] of the rows a reader sees in a section. */
  const visibleRows = (page: Page, section: string): Promise<[string, string][]> =>
    page.$$eval(`section[aria-labelledby=${section}] tr[data-r]`, (rows: unknown[]) =>
      (rows as El[]).filter((r) => r.offsetParent !== null).map((r): [string, string] => [r.querySelector("th")?.firstChild?.textContent?.trim() ?? "", r.getAttribute("data-r") ?? ""]),
    );

  it("loads with no console error and no network request, and shows every failed tenant above the fold", async () => {
    // Act
    const { page, errors, requests } = await open({ width: 1280, height: 900 });
    // Assert
    expect(errors).toEqual([]);
    expect(requests).toEqual([]);
    const boxes = await page.$$eval("section[aria-labelledby=h-failed] tr[data-r]", (rows: unknown[]) =>
      (rows as El[]).map((r) => ({ env: r.querySelector("th")?.firstChild?.textContent?.trim() ?? "", bottom: r.getBoundingClientRect().bottom })),
    );
    expect(boxes.map((b) => b.env).sort()).toEqual([...failed].sort());
    expect(boxes.filter((b) => b.bottom > 900)).toEqual([]);
    await page.screenshot({ path: join(ARTIFACTS, "status-page-300.png") });
    await page.close();
  });

  it("filters the tenant table to failed tenants and hides waves without one", async () => {
    // Prepare
    const { page, errors } = await open({ width: 1280, height: 900 });
    expect((await visibleRows(page, "h-t")).length).toBe(300);
    // Act
    await page.click("#filters button[data-f=failed]");
    // Assert
    const rows = await visibleRows(page, "h-t");
    expect(rows.map(([env]) => env).sort()).toEqual([...failed].sort());
    expect(rows.every(([, r]) => r === "failed")).toBe(true);
    const shownWaves = await page.$$eval("section[aria-labelledby=h-t] tbody", (gs: unknown[]) =>
      (gs as El[]).filter((g) => !g.hidden).map((g) => g.querySelector("th[scope=rowgroup]")?.firstChild?.textContent?.trim() ?? ""),
    );
    expect(shownWaves).toEqual(["Wave 2", "Wave 3"]);
    expect(await page.$eval("#filters button[data-f=failed]", (b: unknown) => (b as El).getAttribute("aria-pressed"))).toBe("true");
    await page.click("#filters button:not([data-f])");
    expect((await visibleRows(page, "h-t")).length).toBe(300);
    expect(errors).toEqual([]);
    await page.close();
  });

  it("sorts a wave's rows by tenant name when its column header is clicked", async () => {
    const { page } = await open({ width: 1280, height: 900 });
    await page.click("section[aria-labelledby=h-t] thead th:first-child button");
    await page.click("section[aria-labelledby=h-t] thead th:first-child button");
    const wave3 = await page.$$eval("section[aria-labelledby=h-t] tbody:nth-of-type(4) tr[data-r] th", (ths: unknown[]) => (ths as El[]).map((th) => th.firstChild?.textContent?.trim() ?? ""));
    expect(wave3.length).toBeGreaterThan(50);
    expect(wave3).toEqual([...wave3].sort().reverse());
    expect(await page.$eval("section[aria-labelledby=h-t] thead th:first-child", (th: unknown) => (th as El).getAttribute("aria-sort"))).toBe("descending");
    await page.close();
  });

  it("is complete without JavaScript: every tenant, the failures and their errors, no dead filter buttons", async () => {
    const { page, requests } = await open({ width: 1280, height: 900, javaScript: false });
    expect((await visibleRows(page, "h-t")).length).toBe(300);
    expect(await page.$eval("#filters", (f: unknown) => (f as El).offsetParent === null)).toBe(true);
    const text = await page.$eval("body", (b: unknown) => (b as El).innerText);
    expect(text).toContain("BucketAlreadyExists");
    expect(text).toContain("Halted: wave 1: 2 tenants failed");
    expect(requests).toEqual([]);
    await page.close();
  });

  it("fits 320 px without horizontal scrolling, in dark mode too", async () => {
    for (const dark of [false, true]) {
      const { page, errors } = await open({ width: 320, height: 640, dark });
      const widths = await page.evaluate(() => {
        const w = globalThis as unknown as Win;
        return { doc: w.document.documentElement.scrollWidth, body: w.document.body.scrollWidth, view: w.innerWidth };
      });
      expect(widths.doc).toBeLessThanOrEqual(widths.view);
      expect(widths.body).toBeLessThanOrEqual(widths.view);
      expect(errors).toEqual([]);
      await page.screenshot({ path: join(ARTIFACTS, `status-page-320${dark ? "-dark" : ""}.png`) });
      await page.close();
    }
  });

  it("shows a record's <script> error as text and never runs it", async () => {
    // Prepare
    const evil = `<script>document.title="pwned";window.pwned=1</script><img src=x onerror="window.pwned=2">`;
    const status = buildFleetStatus({
      app: "shop",
      fleet: [{ name: "alpha", wave: 0 }],
      records: [{ schema: STATUS_SCHEMA, env: "alpha", app: "shop", releaseId: "20261130T110000Z-00000001", version: "1.0.0", phase: "finished", result: "failed", buildId: `b"><b>x`, startedAt: "2026-11-30T11:00:00Z", error: evil }],
      knownVersions: [],
    });
    const file = join(dir, "evil.html");
    writeFileSync(file, renderStatusPage(buildStatusPageModel({ status, fleet: [], source: "s3://b", generatedAt: "2026-11-30T12:00:00Z" })));
    const target = pathToFileURL(file).href;
    // Act
    const { page, requests } = await open({ width: 1280, height: 900, target });
    // Assert
    expect(await page.evaluate(() => (globalThis as unknown as Win).pwned)).toBeUndefined();
    expect(await page.title()).toBe("shop: fleet status");
    expect(await page.$eval("section[aria-labelledby=h-failed] td.err", (td: unknown) => (td as El).textContent)).toBe(evil);
    expect(requests).toEqual([]);
    await page.close();
  });
});
