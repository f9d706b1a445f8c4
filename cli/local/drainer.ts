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
  /** Functions whose events are being handled at once (containers busy). @default 8 */
  readonly maxInFlight?: number;
  readonly hooks?: DrainerHooks;
  /**
   * Functions given each received batch (up to 10 messages) as one invocation in the SQS event shape
   * (`Records[].body`), as Lambda does for a queue event source: the rollout controller, whose one step
   * can cover a burst of status records.
   */
  readonly batchFunctions?: ReadonlySet<string>;
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

/** A message that is to be invoked: its event, and its attempt. */
interface Admitted {
  readonly m: Message;
  readonly e: ReleaseEvent;
  readonly attempt: number;
}

/** One message: held back, dropped, or admitted (duplicated first when the drill says so). */
async function admit(st: DrainState, s: LambdaStandIn, m: Message): Promise<Admitted | undefined> {
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
    return undefined;
  }
  if (action === "drop") {
    await sqs.send(new DeleteMessageCommand({ QueueUrl: s.queueUrl, ReceiptHandle: m.ReceiptHandle }));
    return undefined;
  }
  st.received++;
  // Attempts are counted per message by the runner, not by SQS's receive count, which also counts the
  // receives of an event the drill held back.
  const attempt = (st.attempts.get(m.MessageId ?? "") ?? 0) + 1;
  st.attempts.set(m.MessageId ?? "", attempt);
  if (action === "duplicate-then-invoke") await sqs.send(new SendMessageCommand({ QueueUrl: s.queueUrl, MessageBody: m.Body ?? "{}" }));
  const sent = Number(m.Attributes?.SentTimestamp);
  options.hooks?.onReceived?.(s, e, attempt, Number.isFinite(sent) && sent > 0 ? sent : undefined);
  return { m, e, attempt };
}

const containerOf = (st: DrainState, s: LambdaStandIn) => st.options.pool.get(`${s.placement.account}/${s.placement.region}/${s.functionName}`, () => st.envs.get(s)!);

/** One message: admitted, invoked, settled. */
async function handleMessage(st: DrainState, s: LambdaStandIn, m: Message): Promise<void> {
  const a = await admit(st, s, m);
  if (!a) return;
  const r = await containerOf(st, s).invoke(a.e.event);
  await settle(st, s, a.m, a.e, r, a.attempt);
}

/** A batch: one invocation for the admitted messages, each settled with its result (reported once). */
async function handleBatch(st: DrainState, s: LambdaStandIn, messages: readonly Message[]): Promise<void> {
  const admitted: Admitted[] = [];
  for (const m of messages) {
    try {
      const a = await admit(st, s, m);
      if (a) admitted.push(a);
    } catch (err) {
      st.options.hooks?.onError?.(s, err as Error);
    }
  }
  const first = admitted[0];
  if (!first) return;
  const event = { Records: admitted.map((a) => ({ messageId: a.m.MessageId ?? "", body: JSON.stringify(a.e.event) })) };
  const r = await containerOf(st, s).invoke(event);
  for (const a of admitted) await settle(st, s, a.m, a.e, r, a.attempt, a === first);
}

/** As Lambda's asynchronous invoke: done, retried after a delay, or sent to the on-failure queue. */
async function settle(st: DrainState, s: LambdaStandIn, m: Message, e: ReleaseEvent, r: InvokeResult, attempt: number, report = true): Promise<void> {
  const { options } = st;
  const onInvoked = report ? options.hooks?.onInvoked : undefined;
  const sqs = await options.clients.sqs(s.placement);
  if (r.ok) {
    await sqs.send(new DeleteMessageCommand({ QueueUrl: s.queueUrl, ReceiptHandle: m.ReceiptHandle }));
    onInvoked?.(s, e, r, attempt, "done");
  } else if (attempt <= s.maximumRetryAttempts) {
    await sqs.send(new ChangeMessageVisibilityCommand({ QueueUrl: s.queueUrl, ReceiptHandle: m.ReceiptHandle, VisibilityTimeout: st.retryDelay * attempt }));
    onInvoked?.(s, e, r, attempt, "retry");
  } else {
    if (s.onFailureQueueArn) {
      const name = s.onFailureQueueArn.slice(s.onFailureQueueArn.lastIndexOf(":") + 1);
      const url = await options.clients.queueUrl(s.placement, name);
      // The record Lambda writes to an on-failure destination (requestPayload + the error).
      const record = { version: "1.0", timestamp: new Date().toISOString(), requestContext: { functionArn: `arn:aws:lambda:${s.placement.region}:${s.placement.account}:function:${s.functionName}`, condition: "RetriesExhausted", approximateInvokeCount: attempt }, requestPayload: e.event, responsePayload: { errorType: r.error?.name, errorMessage: r.error?.message } };
      await sqs.send(new SendMessageCommand({ QueueUrl: url, MessageBody: JSON.stringify(record) }));
    }
    await sqs.send(new DeleteMessageCommand({ QueueUrl: s.queueUrl, ReceiptHandle: m.ReceiptHandle }));
    onInvoked?.(s, e, r, attempt, "on-failure");
  }
}

/** How long one ReceiveMessage waits for a message (SQS allows up to 20 s); stop() cuts it short. */
const LONG_POLL_SECONDS = 20;

export function startDrainer(options: DrainerOptions): Drainer {
  const { clients } = options;
  let stopped = false;
  const queues = [...options.standIns];
  const st: DrainState = { options, retryDelay: options.retryDelaySeconds ?? 1, envs: new Map(), attempts: new Map(), received: 0 };
  const { envs } = st;
  const handle = (s: LambdaStandIn, m: Message) => handleMessage(st, s, m);

  // One long-polling loop per stand-in queue: an idle queue is one waiting request, not a poll every
  // sweep, so the local AWS's load follows the events, not the number of tenants (a sweep over 300 queues
  // kept it busy all the time). Each function's messages are handled in order by its loop (its container
  // takes one event at a time); different functions run side by side, up to `maxInFlight`.
  const inFlight = new Set<Promise<void>>();
  const maxInFlight = options.maxInFlight ?? 8;
  const abort = new AbortController();
  const receive = async (s: LambdaStandIn): Promise<Message[]> => {
    if (!envs.has(s)) envs.set(s, await options.envFor(s));
    const sqs = await clients.sqs(s.placement);
    const res = await sqs.send(
      new ReceiveMessageCommand({ QueueUrl: s.queueUrl, MaxNumberOfMessages: 10, VisibilityTimeout: 120, WaitTimeSeconds: LONG_POLL_SECONDS, MessageSystemAttributeNames: ["SentTimestamp"] }),
      { abortSignal: abort.signal },
    );
    return res.Messages ?? [];
  };
  const handleAll = async (s: LambdaStandIn, messages: readonly Message[]): Promise<void> => {
    if (options.batchFunctions?.has(s.functionName)) return handleBatch(st, s, messages).catch((err: Error) => options.hooks?.onError?.(s, err));
    for (const m of messages) {
      try {
        await handle(s, m);
      } catch (err) {
        options.hooks?.onError?.(s, err as Error);
      }
    }
  };
  const drain = async (s: LambdaStandIn): Promise<void> => {
    while (!stopped) {
      let messages: Message[];
      try {
        messages = await receive(s);
      } catch (err) {
        if (stopped) return;
        // The local AWS hiccuped: report and poll again after a pause, as Lambda's poller would.
        options.hooks?.onError?.(s, err as Error);
        await new Promise((r) => setTimeout(r, 500));
        continue;
      }
      if (messages.length === 0) continue;
      while (inFlight.size >= maxInFlight) await Promise.race(inFlight);
      const work = handleAll(s, messages).finally(() => inFlight.delete(work));
      inFlight.add(work);
      await work;
    }
  };
  const loop = Promise.all(queues.map(drain)).then(() => Promise.all(inFlight));

  return {
    get received() {
      return st.received;
    },
    async stop() {
      stopped = true;
      abort.abort();
      await loop;
    },
  };
}
