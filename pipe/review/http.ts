/**
 * A small JSON-over-HTTP client for the Bitbucket API, on node:http/https so that it can go through the
 * Pipelines auth proxy: a plain HTTP request to the proxy whose request target is the absolute URL
 * (`GET http://api.bitbucket.org/2.0/... HTTP/1.1`), which is how an HTTP proxy is addressed. The proxy
 * adds the credentials; we send none. With a token, requests go straight to the API with
 * `Authorization: Bearer`.
 */
import { request as httpRequest, type IncomingMessage, type RequestOptions } from "node:http";
import { request as httpsRequest } from "node:https";

export interface HttpResponse {
  readonly status: number;
  readonly text: string;
  /** The decoded JSON body, or undefined when the body is empty or not JSON. */
  readonly json: unknown;
}

export interface Transport {
  /** Bearer token; never logged. */
  readonly token?: string;
  /** `http://host:port` of an HTTP proxy (the Pipelines auth proxy); the URL then must be http://. */
  readonly proxy?: string;
  /** Per request. @default 30000 */
  readonly timeoutMs?: number;
}

export function sendJson(method: string, url: string, body: unknown, transport: Transport): Promise<HttpResponse> {
  const target = new URL(url);
  const payload = body === undefined ? undefined : Buffer.from(JSON.stringify(body), "utf8");
  const headers: Record<string, string> = { accept: "application/json", "user-agent": "cdktf-fleet-plan-review" };
  if (payload) {
    headers["content-type"] = "application/json";
    headers["content-length"] = String(payload.length);
  }
  if (transport.token) headers.authorization = `Bearer ${transport.token}`;
  let options: RequestOptions;
  let send = target.protocol === "https:" ? httpsRequest : httpRequest;
  if (transport.proxy) {
    const proxy = new URL(transport.proxy);
    send = httpRequest;
    options = { host: proxy.hostname, port: Number(proxy.port || 80), method, path: target.href, headers: { ...headers, host: target.host } };
  } else {
    options = { protocol: target.protocol, host: target.hostname, ...(target.port ? { port: Number(target.port) } : {}), method, path: `${target.pathname}${target.search}`, headers };
  }
  return new Promise((resolve, reject) => {
    const req = send(options, (res: IncomingMessage) => {
      const chunks: Buffer[] = [];
      res.on("data", (c: Buffer) => chunks.push(c));
      res.on("error", reject);
      res.on("end", () => {
        const text = Buffer.concat(chunks).toString("utf8");
        let json: unknown;
        try {
          json = text ? JSON.parse(text) : undefined;
        } catch {
          json = undefined;
        }
        resolve({ status: res.statusCode ?? 0, text, json });
      });
    });
    req.setTimeout(transport.timeoutMs ?? 30_000, () => req.destroy(new Error(`${method} ${url}: no answer within ${transport.timeoutMs ?? 30_000} ms`)));
    req.on("error", reject);
    req.end(payload);
  });
}
