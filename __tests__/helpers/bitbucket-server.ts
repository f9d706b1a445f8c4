/**
 * A local HTTP server speaking the parts of the Bitbucket Cloud 2.0 API that the plan review uses
 * (https://developer.atlassian.com/cloud/bitbucket/rest/): the token's user, paginated pull-request
 * comments (create, edit by the author only, deleted comments kept in the list), Code Insights reports
 * and annotation batches, with the documented limits enforced (≤ 100 annotations per request, ≤ 1000 per
 * report, non-empty summaries, the enums). It also acts as the Pipelines auth proxy: a request whose
 * target is an absolute `http://api.bitbucket.org/...` URL is answered as if the proxy had authenticated it.
 */
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";

export interface BbUser {
  readonly uuid: string;
  readonly display_name: string;
}

export interface BbComment {
  id: number;
  content: { raw: string; markup: "markdown"; html: string; type: "rendered" };
  user: BbUser & { type: "user" };
  deleted: boolean;
  created_on: string;
  updated_on: string;
  type: "pullrequest_comment";
}

export interface RecordedRequest {
  readonly method: string;
  /** The request target as sent: a path, or an absolute URL when it came through "the proxy". */
  readonly target: string;
  readonly path: string;
  readonly query: URLSearchParams;
  readonly authorization?: string;
  readonly viaProxy: boolean;
  readonly body: unknown;
  readonly status: number;
}

export interface BitbucketServer {
  readonly url: string;
  /** `${url}/2.0`: the API base URL for token mode. */
  readonly apiUrl: string;
  readonly port: number;
  readonly requests: RecordedRequest[];
  /** Comments per `ws/slug/prId`. */
  readonly comments: Map<string, BbComment[]>;
  /** Reports per `ws/slug/commit/reportId`, with their annotations. */
  readonly reports: Map<string, { body: Record<string, unknown>; annotations: Record<string, unknown>[] }>;
  /** Adds a comment by another user (or a given one). */
  seedComment(prKey: string, raw: string, user?: BbUser, deleted?: boolean): BbComment;
  stop(): Promise<void>;
}

const REPORT_TYPES = ["SECURITY", "COVERAGE", "TEST", "BUG"];
const RESULTS = ["PASSED", "FAILED", "PENDING"];
const DATA_TYPES = ["BOOLEAN", "DATE", "DURATION", "LINK", "NUMBER", "PERCENTAGE", "TEXT"];
const ANNOTATION_TYPES = ["VULNERABILITY", "CODE_SMELL", "BUG"];
const SEVERITIES = ["CRITICAL", "HIGH", "MEDIUM", "LOW"];
const ANNOTATION_RESULTS = ["PASSED", "FAILED", "SKIPPED", "IGNORED"];

export const OTHER_USER: BbUser = { uuid: "{00000000-0000-0000-0000-00000000beef}", display_name: "A Human" };

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

function reportProblems(body: unknown): string[] {
  if (!isRecord(body)) return ["body must be an object"];
  const p: string[] = [];
  if (typeof body.title !== "string" || body.title === "" || body.title.length > 450) p.push("title: required, ≤ 450 chars");
  if (body.details !== undefined && (typeof body.details !== "string" || body.details.length > 2000)) p.push("details: ≤ 2000 chars");
  if (!REPORT_TYPES.includes(body.report_type as string)) p.push(`report_type: one of ${REPORT_TYPES.join(", ")}`);
  if (body.result !== undefined && !RESULTS.includes(body.result as string)) p.push(`result: one of ${RESULTS.join(", ")}`);
  if (body.data !== undefined) {
    if (!Array.isArray(body.data) || body.data.length > 6) p.push("data: an array of at most 6 items");
    else
      for (const d of body.data)
        if (!isRecord(d) || typeof d.title !== "string" || !DATA_TYPES.includes(d.type as string) || d.value === undefined) p.push(`data item ${JSON.stringify(d)}: needs title, type (${DATA_TYPES.join(", ")}) and value`);
  }
  return p;
}

function annotationProblems(a: unknown): string[] {
  if (!isRecord(a)) return ["annotation must be an object"];
  const p: string[] = [];
  if (typeof a.external_id !== "string" || a.external_id === "") p.push("external_id: required");
  if (typeof a.summary !== "string" || a.summary.trim() === "") p.push("summary: required, non-empty");
  else if (a.summary.length > 450) p.push("summary: ≤ 450 chars");
  if (!ANNOTATION_TYPES.includes(a.annotation_type as string)) p.push(`annotation_type: one of ${ANNOTATION_TYPES.join(", ")}`);
  if (a.severity !== undefined && !SEVERITIES.includes(a.severity as string)) p.push(`severity: one of ${SEVERITIES.join(", ")}`);
  if (a.result !== undefined && !ANNOTATION_RESULTS.includes(a.result as string)) p.push(`result: one of ${ANNOTATION_RESULTS.join(", ")}`);
  return p;
}

export async function startBitbucketServer(options: { tokens?: Record<string, BbUser>; maxCommentLength?: number; refuseUserEndpoint?: boolean } = {}): Promise<BitbucketServer> {
  const tokens = options.tokens ?? {};
  const requests: RecordedRequest[] = [];
  const comments = new Map<string, BbComment[]>();
  const reports = new Map<string, { body: Record<string, unknown>; annotations: Record<string, unknown>[] }>();
  let nextId = 1000;
  const now = () => new Date().toISOString();

  function makeComment(raw: string, user: BbUser, deleted = false): BbComment {
    return { id: nextId++, content: { raw, markup: "markdown", html: "", type: "rendered" }, user: { ...user, type: "user" }, deleted, created_on: now(), updated_on: now(), type: "pullrequest_comment" };
  }

  async function handle(req: IncomingMessage, res: ServerResponse, port: number): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const text = Buffer.concat(chunks).toString("utf8");
    let body: unknown;
    try {
      body = text ? JSON.parse(text) : undefined;
    } catch {
      body = Symbol("invalid");
    }
    const target = req.url ?? "/";
    const viaProxy = /^https?:\/\//.test(target);
    const url = viaProxy ? new URL(target) : new URL(target, `http://127.0.0.1:${port}`);
    // Links in answers point back where the client came from, as the real API's do.
    const base = viaProxy ? `${url.protocol}//${url.host}` : `http://127.0.0.1:${port}`;
    const authorization = req.headers.authorization;
    const method = req.method ?? "GET";
    const reply = (status: number, payload?: unknown) => {
      requests.push({ method, target, path: url.pathname, query: url.searchParams, ...(authorization ? { authorization } : {}), viaProxy, body, status });
      res.writeHead(status, payload === undefined ? {} : { "content-type": "application/json" });
      res.end(payload === undefined ? undefined : JSON.stringify(payload));
    };
    const error = (status: number, message: string) => reply(status, { type: "error", error: { message } });
    if (typeof body === "symbol") return error(400, "invalid JSON body");

    const bearer = authorization?.startsWith("Bearer ") ? authorization.slice(7) : undefined;
    const user = bearer !== undefined ? tokens[bearer] : undefined;
    if (bearer !== undefined && !user) return error(401, "invalid token");
    if (viaProxy && (url.protocol !== "http:" || url.host !== "api.bitbucket.org")) return error(403, "the auth proxy only serves http://api.bitbucket.org");
    // The proxy authenticates as the pipeline; it is not a user and cannot write comments.
    const authenticated = user !== undefined || viaProxy;
    if (!authenticated) return error(401, "authentication required");

    let m: RegExpMatchArray | null;
    if (url.pathname === "/2.0/user" && method === "GET") {
      if (!user) return error(401, "no user behind this credential");
      // Some token kinds may not read /user; the client must cope.
      if (options.refuseUserEndpoint) return error(403, "this token cannot read the current user");
      return reply(200, { ...user, type: "user" });
    }
    if ((m = url.pathname.match(/^\/2\.0\/repositories\/([^/]+)\/([^/]+)\/pullrequests\/(\d+)\/comments(?:\/(\d+))?$/))) {
      const key = `${decodeURIComponent(m[1]!)}/${decodeURIComponent(m[2]!)}/${m[3]}`;
      const list = comments.get(key) ?? [];
      comments.set(key, list);
      const commentId = m[4] ? Number(m[4]) : undefined;
      if (method === "GET" && commentId === undefined) {
        const pagelen = Math.min(Number(url.searchParams.get("pagelen") ?? 10), 100);
        const page = Number(url.searchParams.get("page") ?? 1);
        const values = list.slice((page - 1) * pagelen, page * pagelen);
        const more = page * pagelen < list.length;
        const nextUrl = `${base}${url.pathname}?pagelen=${pagelen}&page=${page + 1}`;
        return reply(200, { pagelen, size: list.length, page, values, ...(more ? { next: nextUrl } : {}) });
      }
      if (!user) return error(403, "commenting needs a token, not the pipelines proxy");
      if (method === "POST" && commentId === undefined) {
        const raw = isRecord(body) && isRecord(body.content) ? body.content.raw : undefined;
        if (typeof raw !== "string" || raw === "") return error(400, "content.raw is required");
        if (options.maxCommentLength !== undefined && raw.length > options.maxCommentLength) return error(400, `content.raw must be at most ${options.maxCommentLength} characters`);
        const c = makeComment(raw, user);
        list.push(c);
        return reply(201, c);
      }
      if (method === "PUT" && commentId !== undefined) {
        const c = list.find((x) => x.id === commentId && !x.deleted);
        if (!c) return error(404, "no such comment");
        if (c.user.uuid !== user.uuid) return error(403, "only the author can edit a comment");
        const raw = isRecord(body) && isRecord(body.content) ? body.content.raw : undefined;
        if (typeof raw !== "string" || raw === "") return error(400, "content.raw is required");
        if (options.maxCommentLength !== undefined && raw.length > options.maxCommentLength) return error(400, `content.raw must be at most ${options.maxCommentLength} characters`);
        c.content.raw = raw;
        c.updated_on = now();
        return reply(200, c);
      }
      return error(405, "method not allowed");
    }
    if ((m = url.pathname.match(/^\/2\.0\/repositories\/([^/]+)\/([^/]+)\/commit\/([0-9a-f]{7,40})\/reports\/([^/]+)(\/annotations)?$/))) {
      const key = `${decodeURIComponent(m[1]!)}/${decodeURIComponent(m[2]!)}/${m[3]}/${decodeURIComponent(m[4]!)}`;
      if (!m[5]) {
        if (method === "PUT") {
          const problems = reportProblems(body);
          if (problems.length) return error(400, problems.join("; "));
          reports.set(key, { body: body as Record<string, unknown>, annotations: [] });
          return reply(200, { ...(body as object), uuid: `{report-${key}}`, external_id: decodeURIComponent(m[4]!), created_on: now(), updated_on: now() });
        }
        if (method === "DELETE") return reports.delete(key) ? reply(204) : error(404, "no such report");
        if (method === "GET") return reports.has(key) ? reply(200, reports.get(key)!.body) : error(404, "no such report");
        return error(405, "method not allowed");
      }
      if (method !== "POST") return error(405, "method not allowed");
      const report = reports.get(key);
      if (!report) return error(404, "no such report");
      if (!Array.isArray(body)) return error(400, "annotations must be a JSON array");
      if (body.length > 100) return error(400, "at most 100 annotations per request");
      if (report.annotations.length + body.length > 1000) return error(400, "at most 1000 annotations per report");
      const problems = body.flatMap((a, i) => annotationProblems(a).map((p) => `[${i}] ${p}`));
      if (problems.length) return error(400, problems.join("; "));
      report.annotations.push(...(body as Record<string, unknown>[]));
      return reply(200, { values: body });
    }
    return error(404, `no route for ${method} ${url.pathname}`);
  }

  const server = createServer((req, res) => {
    handle(req, res, (server.address() as AddressInfo).port).catch((err: unknown) => {
      res.writeHead(500);
      res.end(String(err));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}`,
    apiUrl: `http://127.0.0.1:${port}/2.0`,
    port,
    requests,
    comments,
    reports,
    seedComment(prKey, raw, user = OTHER_USER, deleted = false) {
      const list = comments.get(prKey) ?? [];
      comments.set(prKey, list);
      const c = makeComment(raw, user, deleted);
      list.push(c);
      return c;
    },
    stop: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
        server.close((err) => (err ? reject(err) : resolve()));
      }),
  };
}
