// The audit chain's anchor: its head (chain id, record count, last hash) kept outside the log, as a
// tiny git commit under refs/hotfix/audit/<chain> that finish pushes to the remote. An unkeyed chain
// can be rewritten whole with recomputed hashes and still verify; an anchor pushed earlier cannot
// follow such a rewrite, since the anchored record is then no longer at its place in the log.
//
// - The chain id is the hash of the log's first line: each clone has its own log, so each chain has
//   its own ref and clones never overwrite each other's anchors on the shared remote.
// - Each anchor commit's parent is the previous anchor, so a push is a fast-forward and every anchor
//   in the history is checked, not only the last: moving the ref to a rewritten log (a laundered
//   anchor) still leaves the earlier ones to contradict it.

import { lineHash, parseLine } from './chain';

export const ANCHOR_REFS = 'refs/hotfix/audit/';

/** What an anchor records; `line` is the SHA-256 of the record's line, which `prev` links commit to. */
export interface ChainHead {
  /** lineHash of the record seq 1: which log this is. */
  readonly chain: string;
  readonly seq: number;
  /** The record's `hash` field (what verify prints as the head). */
  readonly hash: string;
  readonly line: string;
}

/** The log's records by seq: what an anchor is compared with. */
export interface ChainPositions {
  readonly chain: string | undefined;
  /** The highest seq in the log. */
  readonly records: number;
  readonly at: ReadonlyMap<number, { readonly hash: string; readonly line: string }>;
}

/** One ref per chain; 32 hex digits (128 bits) tell chains apart and keep the ref readable. */
export function anchorRef(chain: string): string {
  return `${ANCHOR_REFS}${chain.slice(0, 32)}`;
}

export function chainPositions(log: string): ChainPositions {
  const at = new Map<number, { hash: string; line: string }>();
  let records = 0;
  for (const text of log.split('\n')) {
    const parsed = parseLine(text);
    if (parsed.kind !== 'chained' || !parsed.well) continue;
    const seq = parsed.entry.seq as number;
    // The first line holding a seq is the one the chain ran through; verify names any repeat.
    if (!at.has(seq)) at.set(seq, { hash: parsed.entry.hash as string, line: lineHash(text) });
    records = Math.max(records, seq);
  }
  return { chain: at.get(1)?.line, records, at };
}

/** The head to anchor: the last record. Undefined for a log without records. */
export function chainHead(positions: ChainPositions): ChainHead | undefined {
  const last = positions.at.get(positions.records);
  return positions.chain !== undefined && last !== undefined ? { chain: positions.chain, seq: positions.records, ...last } : undefined;
}

const TITLE = 'hotfix-deployer audit anchor';

export function anchorMessage(head: ChainHead): string {
  return `${TITLE}\n\nchain ${head.chain}\nseq ${head.seq}\nhash ${head.hash}\nline ${head.line}\n`;
}

export function parseAnchorMessage(message: string): ChainHead | undefined {
  if (!message.startsWith(TITLE)) return undefined;
  const value = (key: string) => new RegExp(`^${key} (\\S+)$`, 'm').exec(message)?.[1];
  const [chain, seq, hash, line] = [value('chain'), value('seq'), value('hash'), value('line')];
  const hex = (text: string | undefined): text is string => text !== undefined && /^[0-9a-f]{64}$/.test(text);
  if (!hex(chain) || !hex(hash) || !hex(line) || seq === undefined || !/^[1-9]\d*$/.test(seq)) return undefined;
  return { chain, seq: Number(seq), hash, line };
}

export type AnchorVerdict =
  | { readonly ok: true; readonly seq: number; readonly since: number }
  | { readonly ok: false; readonly kind: 'rewritten' | 'truncated' | 'other-chain' | 'unreadable'; readonly message: string };

/** Whether the log still holds the anchored record, byte for byte, at its place; `where` names the anchor in messages. */
export function checkAnchor(positions: ChainPositions, anchor: ChainHead | undefined, where: string): AnchorVerdict {
  if (anchor === undefined) {
    return { ok: false, kind: 'unreadable', message: `the anchor ${where} is not an audit anchor commit (it was replaced by something else).` };
  }
  if (anchor.chain !== positions.chain) {
    return {
      ok: false,
      kind: 'other-chain',
      message: `the anchor ${where} belongs to a log whose first record is not this log's: the log was replaced or rewritten from its first record (anchored: ${anchor.seq} record${anchor.seq === 1 ? '' : 's'}, head ${anchor.hash}).`,
    };
  }
  if (anchor.seq > positions.records) {
    return {
      ok: false,
      kind: 'truncated',
      message: `the log ends at record ${positions.records}, but the anchor ${where} recorded ${anchor.seq} records (head ${anchor.hash}): records were removed from its end.`,
    };
  }
  const found = positions.at.get(anchor.seq);
  if (found?.line !== anchor.line) {
    return {
      ok: false,
      kind: 'rewritten',
      message: `the chain was rewritten behind the anchor ${where}: it anchored record ${anchor.seq} with hash ${anchor.hash}, and the log holds ${found ? `hash ${found.hash}` : 'no such record'} there.`,
    };
  }
  return { ok: true, seq: anchor.seq, since: positions.records - anchor.seq };
}

/** What anchoring did, for the person (finish reports it and never fails because of it). */
export type AnchorOutcome =
  | {
      readonly ok: true;
      readonly ref: string;
      readonly seq: number;
      readonly hash: string;
      /** The remote it was pushed to; absent when it was only written locally. */
      readonly pushed?: string;
      /** Why the push failed, when it did: the local anchor stands. */
      readonly pushError?: string;
    }
  | { readonly ok: false; readonly reason: string };

/** Anchors the audit log in git: writes the anchor for its current head and pushes it to `remote` when given. */
export interface AuditAnchoring {
  anchor(remote: string | undefined): Promise<AnchorOutcome>;
}

/** One sentence on an anchoring, for progress lines. */
export function describeAnchor(outcome: AnchorOutcome, remote: string | undefined): string {
  if (!outcome.ok) return `The audit log was not anchored: ${outcome.reason}`;
  const where = outcome.pushed !== undefined ? `, pushed to ${outcome.pushed}` : outcome.pushError !== undefined ? `; pushing it to ${remote ?? 'the remote'} failed: ${outcome.pushError}` : ', locally only';
  return `Anchored the audit log at record ${outcome.seq} (${outcome.ref})${where}.`;
}
