// Verifies the audit log's hash chain (see chain.ts) and names the FIRST problem: its line and kind.
//
// Kinds: edited (a record's content no longer matches its hash, or a line was rewritten so the next
// record's prev no longer matches it), deleted (a gap in seq), reordered (a seq that belongs later),
// inserted (a line the chain does not account for: it runs around it, or the seq is taken), torn (an
// interrupted write: a last line without newline or not valid JSON, or a fragment in the middle that
// the chain continues around, which is what an append after a crash leaves), malformed (a line in
// the middle that is not a JSON object and is not such a fragment), unchained (a record without
// seq/prev/hash, anywhere: the chain cannot vouch for it, so a line that opts out of it is refused).

import { GENESIS, lineHash, parseLine, recordHash, type AuditEntry, type ChainAnchor, type ParsedLine } from './chain';

export type ProblemKind = 'edited' | 'deleted' | 'reordered' | 'inserted' | 'torn' | 'malformed' | 'unchained';

export interface ChainIntact {
  readonly ok: true;
  /** Chained records, all verified. */
  readonly records: number;
  /** `at` of the first and last record in the file. */
  readonly first?: string;
  readonly last?: string;
  /** `hash` of the last chained record: note it to detect a later truncation of the log. */
  readonly head?: string;
}

export interface ChainProblem {
  readonly ok: false;
  /** 1-based line number of the problem. */
  readonly line: number;
  readonly kind: ProblemKind;
  /** A sentence for a person: what is wrong and where. */
  readonly message: string;
  /** Chained records verified before the problem. */
  readonly verified: number;
}

export type ChainReport = ChainIntact | ChainProblem;

export function verifyChain(text: string): ChainReport {
  const lines = text.split('\n');
  const unterminated = lines.pop() as string; // '' when the text ends with a newline or is empty
  const parsed = lines.map(parseLine);
  const walk = new Walk(lines, parsed);
  for (let i = 0; i < lines.length; i++) {
    const problem = walk.step(i);
    if (problem) {
      return { ok: false, ...problem, verified: walk.accepted };
    }
  }
  if (unterminated !== '') {
    const line = lines.length + 1;
    const message = `line ${line} is torn: the last line has no newline (an append was interrupted)${parseLine(unterminated).kind === 'invalid' ? ' and is not a complete record' : ''}.`;
    return { ok: false, line, kind: 'torn', message, verified: walk.accepted };
  }
  return {
    ok: true,
    records: walk.accepted,
    ...(walk.first !== undefined ? { first: walk.first } : {}),
    ...(walk.last !== undefined ? { last: walk.last } : {}),
    ...(walk.head !== undefined ? { head: walk.head } : {}),
  };
}

type Found = Pick<ChainProblem, 'line' | 'kind' | 'message'>;

class Walk {
  anchor: ChainAnchor = GENESIS;
  accepted = 0;
  first: string | undefined;
  last: string | undefined;
  head: string | undefined;
  private lastLine = 0;
  private readonly acceptedAt = new Map<number, number>();

  constructor(
    private readonly lines: readonly string[],
    private readonly parsed: readonly ParsedLine[],
  ) {}

  step(i: number): Found | undefined {
    const p = this.parsed[i] as ParsedLine;
    const n = i + 1;
    switch (p.kind) {
      case 'empty':
        return { line: n, kind: 'malformed', message: `line ${n} is empty.` };
      case 'invalid':
        return this.invalid(i, p.why);
      case 'unchained':
        // Accepting such lines anywhere (even at the top, as "legacy") would let anyone prepend records
        // the chain never covered; a log written before the chain existed has to be set aside instead.
        return { line: n, kind: 'unchained', message: `line ${n} is a record without seq/prev/hash: the hash chain does not cover it (added by hand, or written by a hotfix-deployer older than the chain).` };
      case 'chained':
        return p.well ? this.chained(i, p.entry) : { line: n, kind: 'edited', message: `line ${n} was edited: its seq, prev or hash field is missing or malformed.` };
    }
  }

  private seen(entry: AuditEntry): void {
    if (typeof entry.at === 'string') {
      this.first ??= entry.at;
      this.last = entry.at;
    }
  }

  private invalid(i: number, why: string): Found {
    const n = i + 1;
    let next = i + 1;
    while (next < this.parsed.length && this.parsed[next]?.kind === 'invalid') next++;
    const fragment = (this.lines[i] as string).trimStart().startsWith('{');
    if (next >= this.parsed.length) {
      return { line: n, kind: 'torn', message: `line ${n} is torn: ${why}, an append was interrupted.` };
    }
    if (fragment && this.continuesFrom(next, this.anchor)) {
      return { line: n, kind: 'torn', message: `line ${n} is torn: ${why}, a fragment of an interrupted append; the chain continues around it at line ${next + 1}.` };
    }
    return { line: n, kind: 'malformed', message: `line ${n} is malformed: ${why} (record seq ${this.anchor.seq + 1} was expected there).` };
  }

  private chained(i: number, entry: AuditEntry): Found | undefined {
    const n = i + 1;
    const seq = entry.seq as number;
    const expected = this.anchor.seq + 1;
    const hashOk = recordHash(entry) === entry.hash;
    const linkOk = entry.prev === this.anchor.lineHash;
    if (hashOk && linkOk && seq === expected) {
      this.anchor = { seq, lineHash: lineHash(this.lines[i] as string) };
      this.accepted++;
      this.lastLine = n;
      this.head = entry.hash;
      this.acceptedAt.set(seq, i);
      this.seen(entry);
      return undefined;
    }
    const around = this.continuesFrom(i + 1, this.anchor);
    const inserted: Found = { line: n, kind: 'inserted', message: `line ${n} (seq ${seq}) was inserted: the chain runs around it, from line ${this.lastLine || 'start'} to line ${n + 1}.` };
    if (!hashOk) {
      return around ? inserted : { line: n, kind: 'edited', message: `line ${n} (seq ${seq}) was edited: its content no longer matches its hash.` };
    }
    if (seq === expected) {
      if (around) return inserted;
      return this.lastLine > 0
        ? { line: this.lastLine, kind: 'edited', message: `line ${this.lastLine} (seq ${seq - 1}) was rewritten: its bytes no longer match the prev that line ${n} recorded.` }
        : { line: n, kind: 'edited', message: `line ${n} (seq 1) does not start the chain: its prev is not the genesis hash.` };
    }
    if (seq > expected) {
      const later = this.findSeq(expected, i + 1);
      const displaced = this.lines.some((line) => lineHash(line) === entry.prev);
      if (later !== undefined && (displaced || !around)) {
        return { line: n, kind: 'reordered', message: `records are out of order at line ${n}: it holds seq ${seq}, but seq ${expected} comes later, at line ${later + 1}.` };
      }
      if (around) return inserted;
      const missing = seq - expected === 1 ? `record seq ${expected} is missing` : `records seq ${expected} to ${seq - 1} are missing`;
      return { line: n, kind: 'deleted', message: `${missing} before line ${n} (deleted).` };
    }
    // seq < expected: this place was taken already. If the chain goes on from this line, the earlier
    // holder of the seq was the one inserted (a forged record chained in); otherwise this one is.
    const earlier = this.acceptedAt.get(seq);
    const goesOn = this.continuesFrom(i + 1, { seq, lineHash: lineHash(this.lines[i] as string) });
    if (earlier !== undefined && goesOn && this.lines[earlier] !== this.lines[i]) {
      return { line: earlier + 1, kind: 'inserted', message: `line ${earlier + 1} (seq ${seq}) was inserted: line ${n} holds the genuine seq ${seq}, which line ${n + 1} chains from.` };
    }
    return { line: n, kind: 'inserted', message: `line ${n} was inserted: it repeats seq ${seq}${earlier !== undefined ? ` of line ${earlier + 1}` : ''}.` };
  }

  /** Whether line `k` is the chained record that follows `anchor`. */
  private continuesFrom(k: number, anchor: ChainAnchor): boolean {
    const p = this.parsed[k];
    return p?.kind === 'chained' && p.well && p.entry.seq === anchor.seq + 1 && p.entry.prev === anchor.lineHash;
  }

  private findSeq(seq: number, from: number): number | undefined {
    for (let k = from; k < this.parsed.length; k++) {
      const p = this.parsed[k];
      if (p?.kind === 'chained' && p.entry.seq === seq) return k;
    }
    return undefined;
  }
}
