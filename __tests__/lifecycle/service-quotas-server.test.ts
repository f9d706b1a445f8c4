/** The local Service Quotas server, driven by the real SDK client: values per account, and the service's errors. */
import { GetServiceQuotaCommand, ListServiceQuotasCommand, ServiceQuotasClient } from "@aws-sdk/client-service-quotas";
import { type ServiceQuotasServer, startServiceQuotasServer } from "../../cli/local/service-quotas-server";

describe("Local Service Quotas server", () => {
  let server: ServiceQuotasServer;
  const accounts: Record<string, string> = { AKIANEWACCOUNT: "111111111111", AKIAOLDACCOUNT: "222222222222" };
  const client = (accessKeyId: string) => new ServiceQuotasClient({ endpoint: server.endpoint, region: "eu-west-1", credentials: { accessKeyId, secretAccessKey: "x" }, maxAttempts: 1 });

  beforeAll(async () => {
    server = await startServiceQuotasServer({ accountOfAccessKey: async (k) => accounts[k] });
    server.set("111111111111", "eu-west-1", "L-B99A9384", 10);
  });
  afterAll(async () => server.close());

  it("answers each account with its own value, and the default elsewhere", async () => {
    // Act
    const read = async (key: string) => {
      const c = client(key);
      const res = await c.send(new GetServiceQuotaCommand({ ServiceCode: "lambda", QuotaCode: "L-B99A9384" }));
      c.destroy();
      return [res.Quota?.QuotaName, res.Quota?.Value];
    };

    // Assess
    expect(await read("AKIANEWACCOUNT")).toEqual(["Concurrent executions", 10]);
    expect(await read("AKIAOLDACCOUNT")).toEqual(["Concurrent executions", 1000]);
  });

  it("lists a service's quotas, and says NoSuchResourceException for an unknown one", async () => {
    // Prepare
    const c = client("AKIAOLDACCOUNT");

    // Act
    const listed = await c.send(new ListServiceQuotasCommand({ ServiceCode: "codebuild" }));
    const unknown = await c.send(new GetServiceQuotaCommand({ ServiceCode: "lambda", QuotaCode: "L-NOPE" })).catch((e: Error) => e.name);
    c.destroy();

    // Assess
    expect(listed.Quotas?.map((q) => q.QuotaName)).toContain("Concurrently running builds for Linux/Small environment");
    expect(unknown).toBe("NoSuchResourceException");
  });

  it("refuses a request signed with a key of no known account", async () => {
    // Prepare
    const c = client("AKIASTRANGER");

    // Act
    const res = await c.send(new ListServiceQuotasCommand({ ServiceCode: "lambda" })).catch((e: Error) => e.name);
    c.destroy();

    // Assess
    expect(res).toBe("AccessDeniedException");
  });
});
