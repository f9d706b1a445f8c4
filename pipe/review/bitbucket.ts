/**
 * Publishing the review to Bitbucket Cloud:
 * - one sticky pull-request comment: all comment pages are read (`pagelen=100`, following `next`),
 *   deleted comments skipped, ours found by the visible marker line AND its author (the token's own
 *   user, from `GET /user`), then edited in place (`PUT`) or created (`POST`). Needs a token.
 * - a Code Insights report on the commit (`PUT .../reports/{id}`, after deleting the previous one so that
 *   stale annotations go) and its annotations in batches of at most 100. Through the Pipelines auth
 *   proxy when no token is given.
 */
import { BitbucketApiError } from "./errors";
import { sendJson, type HttpResponse, type Transport } from "./http";
import { ANNOTATION_BATCH, batches, type Annotation, type ReportBody } from "./insights";
import { COMMENT_MARKER } from "./render-markdown";

export const DEFAULT_API_URL = "https://api.bitbucket.org/2.0";
/** The proxy authenticates plain-HTTP requests only. */
export const PROXY_API_URL = "http://api.bitbucket.org/2.0";
export const DEFAULT_PROXY = "http://host.docker.internal:29418";

export interface RepoRef {
  readonly workspace: string;
  readonly slug: string;
}

interface CommentPage {
  values?: { id?: number; deleted?: boolean; content?: { raw?: string }; user?: { uuid?: string } }[];
  next?: string;
}

export class BitbucketClient {
  readonly apiUrl: string;
  private readonly transport: Transport;

  /** With a token: straight to `apiUrl`. Without: through `proxy` to the plain-HTTP API URL. */
  constructor(options: { token?: string; apiUrl?: string; proxy?: string }) {
    if (options.token) {
      this.apiUrl = (options.apiUrl ?? DEFAULT_API_URL).replace(/\/+$/, "");
      this.transport = { token: options.token };
    } else {
      this.apiUrl = PROXY_API_URL;
      this.transport = { proxy: options.proxy ?? DEFAULT_PROXY };
    }
  }

  get hasToken(): boolean {
    return this.transport.token !== undefined;
  }

  private repoUrl(repo: RepoRef): string {
    return `${this.apiUrl}/repositories/${encodeURIComponent(repo.workspace)}/${encodeURIComponent(repo.slug)}`;
  }

  private async call(method: string, url: string, body: unknown, ok: readonly number[]): Promise<HttpResponse> {
    const res = await sendJson(method, url, body, this.transport);
    if (!ok.includes(res.status)) throw new BitbucketApiError(method, url, res.status, res.text);
    return res;
  }

  /** The uuid of the token's own user (an access token is a bot user of its own), or undefined. */
  async currentUserUuid(): Promise<string | undefined> {
    const res = await sendJson("GET", `${this.apiUrl}/user`, undefined, this.transport);
    const uuid = (res.json as { uuid?: unknown } | undefined)?.uuid;
    return res.status === 200 && typeof uuid === "string" ? uuid : undefined;
  }

  /**
   * Finds our comment on every page. `next` links are followed only on the API's own origin, so that a
   * token is never sent elsewhere.
   */
  async findComment(repo: RepoRef, prId: string, authorUuid: string | undefined): Promise<number | undefined> {
    const origin = new URL(this.apiUrl).origin;
    let url: string | undefined = `${this.repoUrl(repo)}/pullrequests/${encodeURIComponent(prId)}/comments?pagelen=100`;
    let pages = 0;
    while (url) {
      const res = await this.call("GET", url, undefined, [200]);
      const page = (res.json ?? {}) as CommentPage;
      for (const c of page.values ?? []) {
        if (c.deleted || typeof c.id !== "number") continue;
        const ours = (c.content?.raw ?? "").split("\n").some((line) => line.startsWith(COMMENT_MARKER));
        if (ours && (authorUuid === undefined || c.user?.uuid === authorUuid)) return c.id;
      }
      url = page.next;
      if (url && new URL(url).origin !== origin) throw new BitbucketApiError("GET", url, 0, `pagination link leaves ${origin}; refusing to follow it`);
      if (++pages > 1000) break;
    }
    return undefined;
  }

  /** Edits our comment in place, or creates it. */
  async upsertComment(repo: RepoRef, prId: string, markdown: string): Promise<{ action: "created" | "updated"; id: number | undefined; matchedBy: "marker and author" | "marker only" }> {
    const me = await this.currentUserUuid();
    const existing = await this.findComment(repo, prId, me);
    const base = `${this.repoUrl(repo)}/pullrequests/${encodeURIComponent(prId)}/comments`;
    const body = { content: { raw: markdown } };
    const matchedBy = me ? "marker and author" : "marker only";
    if (existing !== undefined) {
      const res = await sendJson("PUT", `${base}/${existing}`, body, this.transport);
      if (res.status === 200) return { action: "updated", id: existing, matchedBy };
      // Deleted between our read and our write: fall through and create a new one.
      if (res.status !== 404) throw new BitbucketApiError("PUT", `${base}/${existing}`, res.status, res.text);
    }
    const res = await this.call("POST", base, body, [200, 201]);
    const id = (res.json as { id?: unknown } | undefined)?.id;
    return { action: "created", id: typeof id === "number" ? id : undefined, matchedBy };
  }

  /** Replaces the commit's report and posts its annotations, at most 100 per request. */
  async publishReport(repo: RepoRef, commit: string, reportId: string, report: ReportBody, annotations: readonly Annotation[]): Promise<{ batches: number }> {
    const url = `${this.repoUrl(repo)}/commit/${encodeURIComponent(commit)}/reports/${encodeURIComponent(reportId)}`;
    await this.call("DELETE", url, undefined, [200, 204, 404]);
    await this.call("PUT", url, report, [200, 201]);
    const parts = batches(annotations, ANNOTATION_BATCH);
    for (const part of parts) await this.call("POST", `${url}/annotations`, part, [200, 201]);
    return { batches: parts.length };
  }
}
