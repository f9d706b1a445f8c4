/**
 * A local Service Quotas: an HTTP server on 127.0.0.1 speaking the service's JSON 1.1 wire protocol
 * (`X-Amz-Target: ServiceQuotasV20190624.<Operation>`) for the two reading operations `fleet doctor` uses,
 * GetServiceQuota and ListServiceQuotas. moto serves no quotas for Lambda (NoSuchResourceException), so the
 * local run and the tests point `AWS_ENDPOINT_URL_SERVICE_QUOTAS` here.
 *
 * Each account sees the AWS default values below unless a test sets its own (`set`): a new account with one
 * concurrent build is exactly what the doctor must catch. The account of a request comes from its access key
 * (the `Credential=` of the SigV4 Authorization header), resolved by the caller (locally: moto's STS).
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";

const TARGET_PREFIX = "ServiceQuotasV20190624.";

export interface QuotaDefinition {
  readonly serviceCode: string;
  readonly serviceName: string;
  readonly quotaCode: string;
  readonly quotaName: string;
  readonly value: number;
  readonly adjustable: boolean;
}

/**
 * The quotas the fleet depends on, with AWS's default values for an established account. `fleet doctor` finds
 * a quota by its service and name (ListServiceQuotas), never by code: the CodeBuild codes here are local
 * placeholders.
 */
export const DEFAULT_QUOTAS: readonly QuotaDefinition[] = [
  { serviceCode: "lambda", serviceName: "AWS Lambda", quotaCode: "L-B99A9384", quotaName: "Concurrent executions", value: 1000, adjustable: true },
  { serviceCode: "events", serviceName: "Amazon EventBridge (CloudWatch Events)", quotaCode: "L-244521F2", quotaName: "Maximum number of rules per event bus", value: 300, adjustable: true },
  { serviceCode: "codebuild", serviceName: "AWS CodeBuild", quotaCode: "L-LOCAL-CB-SMALL", quotaName: "Concurrently running builds for Linux/Small environment", value: 20, adjustable: true },
  { serviceCode: "codebuild", serviceName: "AWS CodeBuild", quotaCode: "L-LOCAL-CB-MEDIUM", quotaName: "Concurrently running builds for Linux/Medium environment", value: 20, adjustable: true },
  { serviceCode: "codebuild", serviceName: "AWS CodeBuild", quotaCode: "L-LOCAL-CB-LARGE", quotaName: "Concurrently running builds for Linux/Large environment", value: 20, adjustable: true },
];

export interface ServiceQuotasServer {
  readonly endpoint: string;
  /** Sets one quota's value for one account and region (a new account's low quota). */
  set(account: string, region: string, quotaCode: string, value: number): void;
  close(): Promise<void>;
}

export interface ServiceQuotasOptions {
  /** The account that owns an access key; undefined answers AccessDeniedException. */
  readonly accountOfAccessKey: (accessKeyId: string) => Promise<string | undefined>;
}

class ApiError extends Error {
  constructor(
    readonly type: string,
    message: string,
    readonly status = 400,
  ) {
    super(message);
  }
}

const credentialOf = (authorization: string | undefined) => /Credential=([^/]+)\/\d{8}\/([a-z0-9-]+)\//.exec(authorization ?? "");

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const c of req) chunks.push(c as Buffer);
  return Buffer.concat(chunks).toString("utf8");
}

function send(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { "content-type": "application/x-amz-json-1.1", "content-length": Buffer.byteLength(text) });
  res.end(text);
}

export async function startServiceQuotasServer(options: ServiceQuotasOptions): Promise<ServiceQuotasServer> {
  const overrides = new Map<string, number>();
  const key = (account: string, region: string, code: string) => `${account}/${region}/${code}`;

  const view = (q: QuotaDefinition, account: string, region: string) => ({
    ServiceCode: q.serviceCode,
    ServiceName: q.serviceName,
    QuotaArn: `arn:aws:servicequotas:${region}:${account}:${q.serviceCode}/${q.quotaCode}`,
    QuotaCode: q.quotaCode,
    QuotaName: q.quotaName,
    Value: overrides.get(key(account, region, q.quotaCode)) ?? q.value,
    Unit: "None",
    Adjustable: q.adjustable,
    GlobalQuota: false,
  });

  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    try {
      const target = req.headers["x-amz-target"];
      if (req.method !== "POST" || typeof target !== "string" || !target.startsWith(TARGET_PREFIX)) {
        throw new ApiError("UnknownOperationException", `expected POST with X-Amz-Target ${TARGET_PREFIX}<Operation>`);
      }
      const cred = credentialOf(req.headers.authorization);
      const account = cred?.[1] ? await options.accountOfAccessKey(cred[1]) : undefined;
      const region = cred?.[2];
      if (account === undefined || region === undefined) throw new ApiError("AccessDeniedException", "the request is not signed with a known access key");
      const text = await readBody(req);
      const input = (text === "" ? {} : JSON.parse(text)) as { ServiceCode?: string; QuotaCode?: string };
      const op = target.slice(TARGET_PREFIX.length);
      if (op === "GetServiceQuota") {
        const q = DEFAULT_QUOTAS.find((d) => d.serviceCode === input.ServiceCode && d.quotaCode === input.QuotaCode);
        if (!q) throw new ApiError("NoSuchResourceException", `The request failed because the specified quota ${input.ServiceCode}/${input.QuotaCode} does not exist.`);
        send(res, 200, { Quota: view(q, account, region) });
      } else if (op === "ListServiceQuotas") {
        const list = DEFAULT_QUOTAS.filter((d) => d.serviceCode === input.ServiceCode);
        if (list.length === 0) throw new ApiError("NoSuchResourceException", `The request failed because the specified service ${input.ServiceCode} does not exist.`);
        send(res, 200, { Quotas: list.map((q) => view(q, account, region)) });
      } else {
        throw new ApiError("UnknownOperationException", `operation ${op} is not served by the local Service Quotas (GetServiceQuota, ListServiceQuotas)`);
      }
    } catch (err) {
      if (err instanceof ApiError) send(res, err.status, { __type: err.type, message: err.message });
      else send(res, 500, { __type: "ServiceException", message: (err as Error).message });
    }
  };

  const server: Server = createServer((req, res) => {
    void handle(req, res);
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => resolve());
  });
  const addr = server.address();
  const port = typeof addr === "object" && addr ? addr.port : 0;
  return {
    endpoint: `http://127.0.0.1:${port}`,
    set: (account, region, quotaCode, value) => overrides.set(key(account, region, quotaCode), value),
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
