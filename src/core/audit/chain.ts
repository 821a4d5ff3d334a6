// The audit log's hash chain: one JSON line per record, carrying its place (`seq`), the SHA-256 of
// the previous line's exact bytes (`prev`) and the SHA-256 of its own canonical content (`hash`).
//
// - `seq` counts chained records from 1; `prev` of the first is GENESIS (64 zeros).
// - `hash` covers the record with `seq` and `prev` but without `hash`, serialized by canonicalJson,
//   so an edited field changes it; `prev` covers the previous line byte for byte, so a deleted,
//   inserted or reordered line breaks the link.
// - A line without seq/prev/hash is refused by verify wherever it stands (see verify.ts).
// - From the file alone, dropping the last records, or rewriting the whole file with recomputed
//   hashes, cannot be seen: anchor.ts keeps the head outside the file, in git.

import type { AuditRecord } from '../ports';
import { canonicalJson, sha256Hex } from './canonical';

export const GENESIS_HASH = '0'.repeat(64);

/** A record as it is stored: chained records carry seq/prev/hash; a line without them is refused by verify. */
export type AuditEntry = AuditRecord & { readonly seq?: number; readonly prev?: string; readonly hash?: string };

export type ChainedRecord = AuditRecord & { readonly seq: number; readonly prev: string; readonly hash: string };

/** Where the next record chains from: the last chained line's `seq` and the hash of its bytes. */
export interface ChainAnchor {
  readonly seq: number;
  readonly lineHash: string;
}

export const GENESIS: ChainAnchor = { seq: 0, lineHash: GENESIS_HASH };

/** The hash of one line's exact bytes (without its newline): what the next record's `prev` holds. */
export function lineHash(line: string): string {
  return sha256Hex(line);
}

/** The `hash` a stored record should carry: SHA-256 of its canonical form without `hash`. */
export function recordHash(entry: object): string {
  const { hash: _hash, ...rest } = entry as { readonly hash?: unknown };
  return sha256Hex(canonicalJson(rest));
}

/** The line (without newline) that appends `record` after `anchor`, and the anchor after it. */
export function chainLine(record: AuditRecord, anchor: ChainAnchor): { readonly line: string; readonly anchor: ChainAnchor } {
  // Whatever a caller put in seq/prev/hash is replaced: the chain owns those fields.
  const { seq: _seq, prev: _prev, hash: _hash, ...content } = record as AuditEntry;
  const unsigned = { seq: anchor.seq + 1, ...content, prev: anchor.lineHash };
  // Hash what a reader will parse back (no undefined members, no toJSON surprises).
  const line = JSON.stringify({ ...unsigned, hash: recordHash(JSON.parse(JSON.stringify(unsigned)) as object) });
  return { line, anchor: { seq: unsigned.seq, lineHash: lineHash(line) } };
}

export type ParsedLine =
  | { readonly kind: 'empty' }
  | { readonly kind: 'invalid'; readonly why: string }
  /** A JSON object without seq/prev/hash: written before the chain, by hand, or by an older version. */
  | { readonly kind: 'unchained'; readonly entry: AuditEntry }
  /** Has chain fields; `well` is false when one is missing or of the wrong type. */
  | { readonly kind: 'chained'; readonly entry: AuditEntry; readonly well: boolean };

export function parseLine(line: string): ParsedLine {
  if (line.trim() === '') {
    return { kind: 'empty' };
  }
  let value: unknown;
  try {
    value = JSON.parse(line);
  } catch {
    return { kind: 'invalid', why: 'not valid JSON' };
  }
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    return { kind: 'invalid', why: 'not a JSON object' };
  }
  const entry = value as AuditEntry & Record<string, unknown>;
  if (!('seq' in entry) && !('prev' in entry) && !('hash' in entry)) {
    return { kind: 'unchained', entry };
  }
  const well =
    typeof entry.seq === 'number' && Number.isSafeInteger(entry.seq) && entry.seq >= 1 && isHex64(entry.prev) && isHex64(entry.hash);
  return { kind: 'chained', entry, well };
}

function isHex64(value: unknown): value is string {
  return typeof value === 'string' && /^[0-9a-f]{64}$/.test(value);
}

/**
 * Where an append continues the chain, given the log's last lines in order (complete lines only).
 * The last well-formed chained line wins; fragments and unchained lines after it are left in place
 * for verify to report. Undefined when none of these lines is chained: look further back, or start
 * at GENESIS when they reach the start of the file.
 */
export function anchorIn(lines: readonly string[]): ChainAnchor | undefined {
  for (let i = lines.length - 1; i >= 0; i--) {
    const line = lines[i] as string;
    const parsed = parseLine(line);
    if (parsed.kind === 'chained' && parsed.well) {
      return { seq: parsed.entry.seq as number, lineHash: lineHash(line) };
    }
  }
  return undefined;
}
