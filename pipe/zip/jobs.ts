/** The messages between the compression pool and its workers. */
export interface FileResult {
  readonly crc: number;
  readonly size: number;
  /** 0 stored, 8 deflated. */
  readonly method: number;
  readonly data: Uint8Array;
}

export interface ChunkResult {
  readonly crc: number;
  readonly size: number;
  readonly data: Uint8Array;
}

export type Job =
  | { readonly kind: "files"; readonly paths: readonly string[]; readonly level: number }
  | { readonly kind: "chunk"; readonly path: string; readonly offset: number; readonly length: number; readonly last: boolean; readonly level: number };

export interface Request {
  readonly id: number;
  readonly job: Job;
}

/** Files come back as one buffer per batch (fewer objects to clone), cut by each file's `length`. */
export type Reply =
  | { readonly id: number; readonly ok: true; readonly files?: { crc: number; size: number; method: number; length: number }[]; readonly data?: Uint8Array; readonly chunk?: ChunkResult }
  | { readonly id: number; readonly ok: false; readonly message: string; readonly code?: string | undefined; readonly path?: string | undefined };
