/** SQS: does a queue exist, and how many messages wait in it (visible and in flight). */
import { GetQueueAttributesCommand, GetQueueUrlCommand, type SQSClient } from "@aws-sdk/client-sqs";
import type { Probe, QueueFact } from "../facts";
import { probe } from "./probe";

export function queueFact(sqs: SQSClient, name: string, account: string): Promise<Probe<QueueFact>> {
  return probe(async () => {
    const url = (await sqs.send(new GetQueueUrlCommand({ QueueName: name, QueueOwnerAWSAccountId: account }))).QueueUrl;
    if (!url) return undefined;
    const a = (await sqs.send(new GetQueueAttributesCommand({ QueueUrl: url, AttributeNames: ["ApproximateNumberOfMessages", "ApproximateNumberOfMessagesNotVisible"] }))).Attributes ?? {};
    return { messages: Number(a.ApproximateNumberOfMessages ?? 0) + Number(a.ApproximateNumberOfMessagesNotVisible ?? 0) };
  }, /QueueDoesNotExist|NonExistentQueue/);
}
