/** SDK clients of the local AWS, one per service, account and region, made on first use. */
import { CloudWatchClient } from "@aws-sdk/client-cloudwatch";
import { S3Client } from "@aws-sdk/client-s3";
import { EventBridgeClient } from "@aws-sdk/client-eventbridge";
import { GetQueueUrlCommand, SQSClient } from "@aws-sdk/client-sqs";
import { SSMClient } from "@aws-sdk/client-ssm";
import type { AwsCredentials } from "../moto";
import type { Placement } from "../terraform-json";

export interface Clients {
  s3(p: Placement): Promise<S3Client>;
  sqs(p: Placement): Promise<SQSClient>;
  events(p: Placement): Promise<EventBridgeClient>;
  ssm(p: Placement): Promise<SSMClient>;
  /** CloudWatch alarms: the health alarms of the environments. */
  cloudwatch(p: Placement): Promise<CloudWatchClient>;
  /** The moto URL of a queue (moto's URLs differ from AWS's). */
  queueUrl(p: Placement, name: string): Promise<string>;
  destroy(): void;
}

export function localClients(endpoint: string, credentialsFor: (account: string) => Promise<AwsCredentials>): Clients {
  const cache = new Map<string, Promise<unknown>>();
  const made: { destroy(): void }[] = [];
  const get = <T extends { destroy(): void }>(kind: string, p: Placement, make: (c: AwsCredentials) => T): Promise<T> => {
    const k = `${kind}/${p.account}/${p.region}`;
    let c = cache.get(k) as Promise<T> | undefined;
    if (!c) {
      c = credentialsFor(p.account).then((creds) => {
        const client = make(creds);
        made.push(client);
        return client;
      });
      cache.set(k, c);
    }
    return c;
  };
  const urls = new Map<string, Promise<string>>();
  const clients: Clients = {
    s3: (p) => get("s3", p, (credentials) => new S3Client({ endpoint, region: p.region, credentials, forcePathStyle: true })),
    sqs: (p) => get("sqs", p, (credentials) => new SQSClient({ endpoint, region: p.region, credentials })),
    events: (p) => get("events", p, (credentials) => new EventBridgeClient({ endpoint, region: p.region, credentials })),
    ssm: (p) => get("ssm", p, (credentials) => new SSMClient({ endpoint, region: p.region, credentials })),
    cloudwatch: (p) => get("cloudwatch", p, (credentials) => new CloudWatchClient({ endpoint, region: p.region, credentials })),
    queueUrl: (p, name) => {
      const k = `${p.account}/${p.region}/${name}`;
      let u = urls.get(k);
      if (!u) {
        u = clients.sqs(p).then(async (sqs) => (await sqs.send(new GetQueueUrlCommand({ QueueName: name, QueueOwnerAWSAccountId: p.account }))).QueueUrl ?? "");
        urls.set(k, u);
      }
      return u;
    },
    destroy: () => made.forEach((c) => c.destroy()),
  };
  return clients;
}
