/**
 * After a release or the start of a rollout, the pipe leaves the fleet's status page behind: always in its storage directory
 * (status.html, beside result.json, for later steps and artifacts), and with STATUS_PAGE_UPLOAD: 'true' also
 * in the central bucket at status/index.html, with a presigned GET link in the log that expires after
 * STATUS_PAGE_LINK_MINUTES (the bucket stays private; the link also ends when the step's credentials do).
 *
 * The page is a by-product: the releases are written before it is made, so a failure here (no read access
 * to status/, say) is a warning and never turns a done release into a failed step.
 */
import { GetObjectCommand, ListObjectsV2Command, PutObjectCommand, type S3Client } from "@aws-sdk/client-s3";
import { getSignedUrl } from "@aws-sdk/s3-request-presigner";
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import type { FleetConfig } from "../core/config/schema";
import { buildFleetStatus } from "../core/fleet-status";
import { STATUS_PAGE_KEY } from "../core/keys";
import { readStatusRecords, type RecordSource } from "../core/status-page/read";
import { buildStatusPageModel, type RolloutView } from "../core/status-page/model";
import { renderStatusPage } from "../core/status-page/render";
import { errorName } from "./aws";

export const STATUS_PAGE_FILE = "status.html";

export interface StatusPageSettings {
  /** Also put the page into the central bucket and log a presigned link. */
  readonly upload: boolean;
  readonly linkMinutes: number;
}

export interface PublishPageInput {
  readonly s3: S3Client;
  readonly bucket: string;
  readonly fleet: FleetConfig;
  readonly app: string;
  readonly storageDir: string;
  readonly settings: StatusPageSettings;
  readonly log: { info(line: string): void; warn(line: string): void };
  /** MODE rollout: the rollout's part of the page. */
  readonly rollout?: RolloutView;
  readonly now?: () => Date;
}

export interface PublishedPage {
  readonly file: string;
  readonly key?: string;
  readonly url?: string;
}

/** The central bucket as the record reader's port (also used by `fleet rollout status --format html`). */
export function s3RecordSource(s3: S3Client, bucket: string): RecordSource {
  return {
    async list(prefix) {
      const keys: string[] = [];
      let token: string | undefined;
      do {
        const res = await s3.send(new ListObjectsV2Command({ Bucket: bucket, Prefix: prefix, ...(token ? { ContinuationToken: token } : {}) }));
        for (const o of res.Contents ?? []) if (o.Key) keys.push(o.Key);
        token = res.IsTruncated ? res.NextContinuationToken : undefined;
      } while (token);
      return keys;
    },
    async get(key) {
      const res = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
      return (await res.Body?.transformToString()) ?? "";
    },
    describe: (key) => `s3://${bucket}/${key}`,
  };
}

export async function publishStatusPage(input: PublishPageInput): Promise<PublishedPage | undefined> {
  const { s3, bucket, fleet, app, log } = input;
  try {
    const read = await readStatusRecords(s3RecordSource(s3, bucket), app, (line) => log.warn(line));
    const status = buildFleetStatus({ app, fleet: fleet.environments.map((e) => ({ name: e.name, wave: e.wave })), records: read.records, knownVersions: read.knownVersions });
    const generatedAt = (input.now ?? (() => new Date()))().toISOString();
    const extras = fleet.environments.map((e) => ({ name: e.name, hold: e.hold, pin: e.pin }));
    const html = renderStatusPage(buildStatusPageModel({ status, fleet: extras, rollout: input.rollout, source: `s3://${bucket}`, generatedAt }));
    mkdirSync(input.storageDir, { recursive: true });
    const file = join(input.storageDir, STATUS_PAGE_FILE);
    writeFileSync(file, html);
    log.info(`status page written to ${file}`);
    if (!input.settings.upload) return { file };
    await s3.send(new PutObjectCommand({ Bucket: bucket, Key: STATUS_PAGE_KEY, Body: html, ContentType: "text/html; charset=utf-8", CacheControl: "no-cache" }));
    const expiresIn = input.settings.linkMinutes * 60;
    const url = await getSignedUrl(s3, new GetObjectCommand({ Bucket: bucket, Key: STATUS_PAGE_KEY }), { expiresIn });
    log.info(`status page published to s3://${bucket}/${STATUS_PAGE_KEY}; link for ${input.settings.linkMinutes} min: ${url}`);
    return { file, key: STATUS_PAGE_KEY, url };
  } catch (err) {
    log.warn(`status page not made (the release itself is done): ${errorName(err)}: ${(err as Error).message}`);
    return undefined;
  }
}
