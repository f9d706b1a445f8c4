/** EventBridge event patterns as typed objects: fields AND, array values OR. */

type PrefixMatcher = { readonly prefix: string };

/** The S3 "Object Created" event of one bucket, for keys under one prefix, optionally from one account. */
export interface ObjectCreatedPattern {
  readonly source: readonly ["aws.s3"];
  readonly "detail-type": readonly ["Object Created"];
  readonly account?: readonly [string];
  readonly detail: {
    readonly bucket: { readonly name: readonly [string] };
    readonly object: { readonly key: readonly [PrefixMatcher] };
  };
}

export function objectCreatedPattern(bucket: string, keyPrefix: string, account?: string): ObjectCreatedPattern {
  return {
    source: ["aws.s3"],
    "detail-type": ["Object Created"],
    ...(account === undefined ? {} : { account: [account] as const }),
    detail: { bucket: { name: [bucket] }, object: { key: [{ prefix: keyPrefix }] } },
  };
}
