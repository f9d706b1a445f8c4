/**
 * The Lambda side of the local chain: drains each tenant's stand-in queue (the rule target that replaces
 * the Lambda function, see provision.ts) into the bundled handler, with Lambda's asynchronous-invoke
 * semantics: a thrown error is retried later, up to the function's `maximum_retry_attempts`, then the event
 * goes to its on-failure queue. Before invoking it restores the envelope fields AWS keeps across a
 * bus-to-bus hop and moto rewrites (`account`, `region`, `resources`).
 */
import { ChangeMessageVisibilityCommand, DeleteMessageCommand, ReceiveMessageCommand, SendMessageCommand, type Message } from "@aws-sdk/client-sqs";
import type { LambdaStandIn, Clients } from "./provision";
import type { ContainerPool, InvokeResult } from "./lambda-host";

export interface ReleaseEvent {
  readonly env: string;
  readonly key: string;
  readonly versionId: string;
  readonly event: Record<string, unknown>;
}

/** `drop`: the event is lost before the handler (a scenario's lost event); it is deleted unseen. */
export type DrainAction = "invoke" | "hold" | "duplicate-then-invoke" | "drop";

export interface DrainerHooks {
  /** Decides what happens to an event before the handler sees it (the drill injects faults here). */
  readonly before?: (standIn: LambdaStandIn, e: ReleaseEvent) => DrainAction;
  /** `queuedAt`: when the event reached the stand-in queue (SQS SentTimestamp), to tell routing from waiting. */
  readonly onReceived?: (standIn: LambdaStandIn, e: ReleaseEvent, attempt: number, queuedAt?: number) => void;
  readonly onError?: (standIn: LambdaStandIn, err: Error) => void;
  readonly onInvoked?: (standIn: LambdaStandIn, e: ReleaseEvent, r: InvokeResult, attempt: number, final: "done" | "retry" | "on-failure") => void;
}

export interface DrainerOptions {
  readonly standIns: readonly LambdaStandIn[];
  readonly clients: Clients;
  readonly pool: ContainerPool;
  /** The container environment of a stand-in (credentials, endpoints, the function's variables). */
  readonly envFor: (standIn: LambdaStandIn) => Promise<Record<string, string>>;
  /** Delay before a retried invoke (Lambda waits about a minute, then two). @default 1 s */
  readonly retryDelaySeconds?: number;
  /** Stand-in queues polled at once. @default 8 */
  readonly concurrency?: number;
  /** Functions whose events are being handled at once (containers busy). @default 8 */
  readonly maxInFlight?: number;
  readonly hooks?: DrainerHooks;
}

export interface Drainer {
  stop(): Promise<void>;
  /** Messages seen per stand-in (including duplicates and retries). */
  readonly received: number;
}

function restoreEnvelope(standIn: LambdaStandIn, event: Record<string, unknown>): Record<string, unknown> {
  if (!standIn.forwardedFrom) return event;
  const out: Record<string, unknown> = { ...event, account: standIn.forwardedFrom.account, region: standIn.forwardedFrom.region };
  const detail = event.detail as { bucket?: { name?: unknown } } | undefined;
  if ((!Array.isArray(event.resources) || event.resources.length === 0) && event.source === "aws.s3" && typeof detail?.bucket?.name === "string") {
    out.resources = [`arn:aws:s3:::${detail.bucket.name}`];
  }
  return out;
}

function releaseEventOf(standIn: LambdaStandIn, event: Record<string, unknown>): ReleaseEvent {
  const detail = (event.detail ?? {}) as { object?: { key?: unknown; "version-id"?: unknown } };
  return {
    env: standIn.environment.FLEET_ENVIRONMENT ?? standIn.stack,
    key: typeof detail.object?.key === "string" ? detail.object.key : "",
    versionId: typeof detail.object?.["version-id"] === "string" ? detail.object["version-id"] : "",
    event,
  };
}

/** What the handling of one message needs from the drainer. */
interface DrainState {
  readonly options: DrainerOptions;
  readonly retryDelay: number;
  /** The handler's environment per stand-in, made once. */
  readonly envs: Map<LambdaStandIn, Record<string, string>>;
  /** Attempts per message id. */
  readonly attempts: Map<string, number>;
  received: number;
}

/** One message: held back, or invoked (duplicated first when the drill says so), then settled. */
async function handleMessage(st: DrainState, s: LambdaStandIn, m: Message): Promise<void> {
  const { options } = st;
  const sqs = await options.clients.sqs(s.placement);
  let event: Record<string, unknown>;
  try {
    event = restoreEnvelope(s, JSON.parse(m.Body ?? "{}") as Record<string, unknown>);
  } catch {
    event = { unparseable: m.Body ?? "" };
  }
  const e = releaseEventOf(s, event);
  const action = options.hooks?.before?.(s, e) ?? "invoke";
  if (action === "hold") {
    await sqs.send(new ChangeMessageVisibilityCommand({ QueueUrl: s.queueUrl, ReceiptHandle: m.ReceiptHandle, VisibilityTimeout: 1 }));
    return;
  }
  if (action === "drop") {
    await sqs.send(new DeleteMessageCommand({ QueueUrl: s.queueUrl, ReceiptHandle: m.ReceiptHandle }));
    return;
  }
  st.received++;
  // Attempts are counted per message by the runner, not by SQS's receive count, which also counts the
  // receives of an event the drill held back.
  const attempt = (st.attempts.get(m.MessageId ?? "") ?? 0) + 1;
  st.attempts.set(m.MessageId ?? "", attempt);
  if (action === "duplicate-then-invoke") await sqs.send(new SendMessageCommand({ QueueUrl: s.queueUrl, MessageBody: m.Body ?? "{}" }));
  const sent = Number(m.Attributes?.SentTimestamp);
  options.hooks?.onReceived?.(s, e, attempt, Number.isFinite(sent) && sent > 0 ? sent : undefined);
  const container = options.pool.get(`${s.placement.account}/${s.placement.region}/${s.functionName}`, () => st.envs.get(s)!);
  const r = await container.invoke(e.event);
  await settle(st, s, m, e, r, attempt);
}

/** As Lambda's asynchronous invoke: done, retried after a delay, or sent to the on-failure queue. */
async function settle(st: DrainState, s: LambdaStandIn, m: Message, e: ReleaseEvent, r: InvokeResult, attempt: number): Promise<void> {
  const { options } = st;
  const sqs = await options.clients.sqs(s.placement);
  if (r.ok) {
    await sqs.send(new DeleteMessageCommand({ QueueUrl: s.queueUrl, ReceiptHandle: m.ReceiptHandle }));
    options.hooks?.onInvoked?.(s, e, r, attempt, "done");
  } else if (attempt <= s.maximumRetryAttempts) {
    await sqs.send(new ChangeMessageVisibilityCommand({ QueueUrl: s.queueUrl, ReceiptHandle: m.ReceiptHandle, VisibilityTimeout: st.retryDelay * attempt }));
    options.hooks?.onInvoked?.(s, e, r, attempt, "retry");
  } else {
    if (s.onFailureQueueArn) {
      const name = s.onFailureQueueArn.slice(s.onFailureQueueArn.lastIndexOf(":") + 1);
      const url = await options.clients.queueUrl(s.placement, name);
      // The record Lambda writes to an on-failure destination (requestPayload + the error).
      const record = { version: "1.0", timestamp: new Date().toISOString(), requestContext: { functionArn: `arn:aws:lambda:${s.placement.region}:${s.placement.account}:function:${s.functionName}`, condition: "RetriesExhausted", approximateInvokeCount: attempt }, requestPayload: e.event, responsePayload: { errorType: r.error?.name, errorMessage: r.error?.message } };
      await sqs.send(new SendMessageCommand({ QueueUrl: url, MessageBody: JSON.stringify(record) }));
    }
    await sqs.send(new DeleteMessageCommand({ QueueUrl: s.queueUrl, ReceiptHandle: m.ReceiptHandle }));
    options.hooks?.onInvoked?.(s, e, r, attempt, "on-failure");
  }
}

export function startDrainer(options: DrainerOptions): Drainer {
  const { clients } = options;
  let stopped = false;
  const queues = [...options.standIns];
  const st: DrainState = { options, retryDelay: options.retryDelaySeconds ?? 1, envs: new Map(), attempts: new Map(), received: 0 };
  const { envs } = st;
  const handle = (s: LambdaStandIn, m: Message) => handleMessage(st, s, m);

  // Each function's messages are handled in order by one worker (its container takes one event at a time);
  // different functions run side by side, up to `maxInFlight`, while the sweep goes on polling the others.
  const busy = new Set<LambdaStandIn>();
  const inFlight = new Set<Promise<void>>();
  const maxInFlight = options.maxInFlight ?? 8;
  const poll = async (s: LambdaStandIn): Promise<number> => {
    if (!envs.has(s)) envs.set(s, await options.envFor(s));
    const sqs = await clients.sqs(s.placement);
    const res = await sqs.send(new ReceiveMessageCommand({ QueueUrl: s.queueUrl, MaxNumberOfMessages: 10, VisibilityTimeout: 120, WaitTimeSeconds: 0, MessageSystemAttributeNames: ["SentTimestamp"] }));
    const messages = res.Messages ?? [];
    if (messages.length === 0) return 0;
    busy.add(s);
    const work = (async () => {
      for (const m of messages) {
        try {
          await handle(s, m);
        } catch (err) {
          options.hooks?.onError?.(s, err as Error);
        }
      }
    })().finally(() => {
      busy.delete(s);
      inFlight.delete(work);
    });
    inFlight.add(work);
    return messages.length;
  };

  const loop = (async () => {
    while (!stopped) {
      const work = queues.filter((s) => !busy.has(s));
      let found = 0;
      await Promise.all(
        Array.from({ length: Math.min(options.concurrency ?? 8, work.length) }, async () => {
          for (let s = work.shift(); s && !stopped; s = work.shift()) {
            while (inFlight.size >= maxInFlight && !stopped) await Promise.race(inFlight);
            if (busy.has(s)) continue;
            try {
              found += await poll(s);
            } catch (err) {
              // The local AWS hiccuped (or is stopping): report and poll again, as Lambda's poller would.
              options.hooks?.onError?.(s, err as Error);
            }
          }
        }),
      );
      if (found === 0 && !stopped) await new Promise((r) => setTimeout(r, 100));
    }
    await Promise.all(inFlight);
  })();

  return {
    get received() {
      return st.received;
    },
    async stop() {
      stopped = true;
      await loop;
    },
  };
}
