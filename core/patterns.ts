/**
 * The few grammars every part of the fleet agrees on. Kept in one place so that the
 * config validator, the key parser, the IAM policies and the event patterns cannot drift apart.
 */

/** Environment and app names: lower-case, digits and inner dashes, 2–40 characters. */
export const NAME_RE = /^[a-z][a-z0-9-]{0,38}[a-z0-9]$/;

/** AWS account ids are 12 digits, and strings: YAML would read `012345678901` as a number. */
export const ACCOUNT_ID_RE = /^\d{12}$/;

/** Commercial, GovCloud and China partitions' region names, e.g. `eu-west-1`, `us-gov-west-1`. */
export const REGION_RE = /^[a-z]{2}(-gov|-iso[a-z]?)?-[a-z]+-\d$/;

/** S3 bucket names (general purpose buckets, no dots so that virtual-host TLS always works). */
export const BUCKET_RE = /^[a-z0-9][a-z0-9-]{1,61}[a-z0-9]$/;

/**
 * SemVer 2.0 without build metadata: `+` is not key-safe.
 * From semver.org's recommended expression, with the build part removed.
 */
export const VERSION_RE =
  /^(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)(?:-((?:0|[1-9]\d*|\d*[a-zA-Z-][0-9a-zA-Z-]*)(?:\.(?:0|[1-9]\d*|\d*[a-zA-Z-][0-9a-zA-Z-]*))*))?$/;

/** `YYYYMMDDTHHMMSSZ-<8 hex>`: sorts by time; a rollback is a new release of an old version. */
export const RELEASE_ID_RE = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z-[0-9a-f]{8}$/;

/** Characters allowed anywhere in a key of the central bucket. */
export const KEY_CHARS_RE = /^[A-Za-z0-9._/-]+$/;

/** Bitbucket UUIDs are written with braces: `{8-4-4-4-12}`. */
export const BITBUCKET_UUID_RE = /^\{[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\}$/;

/** AWS Organizations id. */
export const ORG_ID_RE = /^o-[a-z0-9]{10,32}$/;
