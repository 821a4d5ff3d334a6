// The audit hash chain: a round trip verifies, and each kind of tampering or crash is named at its line.
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { anchorIn, canonicalJson, chainLine, GENESIS, GENESIS_HASH, lineHash, recordHash, verifyChain, type ChainAnchor, type ChainReport } from '../../src/core/audit';
import type { AuditRecord } from '../../src/core/ports';

function record(i: number, extra: Partial<AuditRecord> = {}): AuditRecord {
  return { at: `2026-03-01T10:${String(i).padStart(2, '0')}:00.000Z`, actor: 'Ada Oncall <ada@example.com>', osUser: 'ada', action: 'hotfix.finish.merge', subject: `step-${i}`, details: { step: i, ok: true }, ...extra };
}

/** A chained log of `n` records, as lines without newlines. */
function chain(n: number, from: ChainAnchor = GENESIS): string[] {
  const lines: string[] = [];
  let anchor = from;
  for (let i = 1; i <= n; i++) {
    const next = chainLine(record(i), anchor);
    lines.push(next.line);
    anchor = next.anchor;
  }
  return lines;
}

const text = (lines: readonly string[]) => lines.map((line) => `${line}\n`).join('');
const anchorAt = (lines: readonly string[], index: number): ChainAnchor => anchorIn(lines.slice(0, index + 1)) as ChainAnchor;

function problem(report: ChainReport): { line: number; kind: string; message: string } {
  assert.equal(report.ok, false, 'expected a problem');
  return report.ok ? { line: 0, kind: '', message: '' } : report;
}

function edit(line: string, change: (value: Record<string, unknown>) => void): string {
  const value = JSON.parse(line) as Record<string, unknown>;
  change(value);
  return JSON.stringify(value);
}

describe('audit hash chain', () => {
  it('round-trips: every line carries seq, prev (the previous line bytes) and hash, and verifies', () => {
    const lines = chain(5);
    const parsed = lines.map((line) => JSON.parse(line) as { seq: number; prev: string; hash: string; osUser: string });
    assert.deepEqual(parsed.map((p) => p.seq), [1, 2, 3, 4, 5]);
    assert.equal(parsed[0]?.prev, GENESIS_HASH);
    assert.equal(parsed[3]?.prev, createHash('sha256').update(lines[2] as string).digest('hex'));
    assert.equal(parsed[0]?.osUser, 'ada');
    const report = verifyChain(text(lines));
    assert.deepEqual(report, { ok: true, records: 5, first: '2026-03-01T10:01:00.000Z', last: '2026-03-01T10:05:00.000Z', head: parsed[4]?.hash });
  });

  it('accepts an empty log, and replaces any seq/prev/hash a caller passes', () => {
    assert.deepEqual(verifyChain(''), { ok: true, records: 0 });
    const forged = { ...record(1), seq: 99, prev: 'x', hash: 'y' } as AuditRecord;
    const { line } = chainLine(forged, GENESIS);
    assert.equal((JSON.parse(line) as { seq: number }).seq, 1);
    assert.equal(verifyChain(`${line}\n`).ok, true);
  });

  it('names an edited field at its line', () => {
    const lines = chain(5);
    lines[2] = edit(lines[2] as string, (v) => (v.subject = 'production'));
    const found = problem(verifyChain(text(lines)));
    assert.equal(found.line, 3);
    assert.equal(found.kind, 'edited');
    assert.match(found.message, /line 3 \(seq 3\) was edited/);
    const report = verifyChain(text(lines));
    assert.equal(report.ok ? -1 : report.verified, 2);
  });

  it('names a record re-signed after an edit: its bytes no longer match the next prev', () => {
    const lines = chain(5);
    lines[1] = edit(lines[1] as string, (v) => {
      v.subject = 'tampered';
      delete v.hash;
      v.hash = recordHash(v);
    });
    assert.deepEqual(pick(verifyChain(text(lines))), { line: 2, kind: 'edited' });
    assert.match(problem(verifyChain(text(lines))).message, /line 2 \(seq 2\) was rewritten/);
  });

  it('names a deleted record, several deleted records and a deleted first record', () => {
    const lines = chain(5);
    const one = problem(verifyChain(text([...lines.slice(0, 2), ...lines.slice(3)])));
    assert.deepEqual([one.line, one.kind], [3, 'deleted']);
    assert.match(one.message, /record seq 3 is missing before line 3/);
    const two = problem(verifyChain(text([...lines.slice(0, 2), ...lines.slice(4)])));
    assert.match(two.message, /records seq 3 to 4 are missing before line 3/);
    assert.deepEqual(pick(verifyChain(text(lines.slice(1)))), { line: 1, kind: 'deleted' });
  });

  it('names two swapped records as reordered, and a record moved to the end', () => {
    const lines = chain(5);
    const swapped = [lines[0], lines[2], lines[1], lines[3], lines[4]] as string[];
    const found = problem(verifyChain(text(swapped)));
    assert.deepEqual([found.line, found.kind], [2, 'reordered']);
    assert.match(found.message, /holds seq 3, but seq 2 comes later, at line 3/);
    const moved = [lines[0], lines[2], lines[3], lines[4], lines[1]] as string[];
    assert.deepEqual(pick(verifyChain(text(moved))), { line: 2, kind: 'reordered' });
  });

  it('names an inserted record: a copy, a record chained in with a valid hash, an unchained line in the middle', () => {
    const lines = chain(5);
    const copy = edit(lines[1] as string, (v) => (v.subject = 'forged'));
    assert.deepEqual(pick(verifyChain(text([...lines.slice(0, 2), copy, ...lines.slice(2)]))), { line: 3, kind: 'inserted' });

    const forged = chainLine(record(9, { subject: 'never happened' }), anchorAt(lines, 1)).line;
    const found = problem(verifyChain(text([...lines.slice(0, 2), forged, ...lines.slice(2)])));
    assert.deepEqual([found.line, found.kind], [3, 'inserted']);
    assert.match(found.message, /line 4 holds the genuine seq 3/);

    const unchained = JSON.stringify(record(7));
    assert.deepEqual(pick(verifyChain(text([...lines.slice(0, 4), unchained, lines[4] as string]))), { line: 5, kind: 'unchained' });
    assert.deepEqual(pick(verifyChain(text([...lines, lines[4] as string]))), { line: 6, kind: 'inserted' });
  });

  it('reports a torn last line, never drops it: half a line, a whole record without newline, a terminated fragment', () => {
    const lines = chain(3);
    const half = (lines[2] as string).slice(0, 40);
    const torn = problem(verifyChain(`${text(lines.slice(0, 2))}${half}`));
    assert.deepEqual([torn.line, torn.kind], [3, 'torn']);
    assert.match(torn.message, /no newline.*not a complete record/);
    assert.deepEqual(pick(verifyChain(`${text(lines.slice(0, 2))}${lines[2] as string}`)), { line: 3, kind: 'torn' });
    assert.deepEqual(pick(verifyChain(`${text(lines.slice(0, 2))}${half}\n`)), { line: 3, kind: 'torn' });
  });

  it('reports a torn fragment in the middle that a later append chained around, and is intact once it is removed', () => {
    const lines = chain(3);
    const fragment = '{"seq":4,"at":"2026-03-01T10:04';
    const after = chainLine(record(4), anchorAt(lines, 2)).line;
    const found = problem(verifyChain(text([...lines, fragment, after])));
    assert.deepEqual([found.line, found.kind], [4, 'torn']);
    assert.match(found.message, /continues around it at line 5/);
    assert.equal(verifyChain(text([...lines, after])).ok, true);
  });

  it('names a malformed line in the middle: broken JSON in a record, a non-object, an empty line', () => {
    const lines = chain(5);
    const broken = [...lines];
    broken[2] = '{"seq":3,"at":"2026-03-01T10:03:00.000Z",,}';
    const found = problem(verifyChain(text(broken)));
    assert.deepEqual([found.line, found.kind], [3, 'malformed']);
    assert.match(found.message, /not valid JSON \(record seq 3 was expected there\)/);
    assert.deepEqual(pick(verifyChain(text([...lines.slice(0, 2), 'garbage', ...lines.slice(2)]))), { line: 3, kind: 'malformed' });
    assert.deepEqual(pick(verifyChain(text([...lines.slice(0, 2), '[1,2]', ...lines.slice(2)]))), { line: 3, kind: 'malformed' });
    assert.deepEqual(pick(verifyChain(text([...lines.slice(0, 2), '', ...lines.slice(2)]))), { line: 3, kind: 'malformed' });
  });

  it('names a record whose chain fields were removed or mangled as edited', () => {
    const lines = chain(3);
    lines[1] = edit(lines[1] as string, (v) => delete v.hash);
    assert.deepEqual(pick(verifyChain(text(lines))), { line: 2, kind: 'edited' });
  });

  it('refuses a record without chain fields anywhere, the top of the file included, and names its line', () => {
    const unchained = JSON.stringify({ at: '2026-02-01T08:00:00.000Z', actor: 'Mallory', action: 'hotfix.create', subject: 'hotfix/PROD-1' });
    const atTop = problem(verifyChain(text([unchained, ...chain(3)])));
    assert.deepEqual([atTop.line, atTop.kind], [1, 'unchained']);
    assert.match(atTop.message, /line 1 is a record without seq\/prev\/hash/);
    assert.deepEqual(pick(verifyChain(text([unchained, JSON.stringify(record(0)), ...chain(3)]))), { line: 1, kind: 'unchained' });
    assert.deepEqual(pick(verifyChain(text([unchained]))), { line: 1, kind: 'unchained' });
    const lines = chain(3);
    assert.deepEqual(pick(verifyChain(text([...lines, unchained]))), { line: 4, kind: 'unchained' });
  });

  it('hashes a canonical form: key order does not matter, content does', () => {
    assert.equal(canonicalJson({ b: 1, a: { d: [1, { z: 1, y: 2 }], c: 'x' }, u: undefined }), '{"a":{"c":"x","d":[1,{"y":2,"z":1}]},"b":1}');
    const one = { seq: 1, at: 't', actor: 'a', action: 'x', subject: 's', details: { b: 2, a: 1 }, prev: GENESIS_HASH };
    const reordered = { prev: GENESIS_HASH, details: { a: 1, b: 2 }, subject: 's', action: 'x', actor: 'a', at: 't', seq: 1 };
    assert.equal(recordHash(one), recordHash(reordered));
    assert.notEqual(recordHash(one), recordHash({ ...one, subject: 't' }));
    assert.equal(recordHash({ ...one, hash: 'ignored' }), recordHash(one));

    // The last line rewritten with its keys in another order still verifies: its content is intact.
    const lines = chain(3);
    const last = JSON.parse(lines[2] as string) as Record<string, unknown>;
    const keys = Object.keys(last).reverse();
    lines[2] = JSON.stringify(Object.fromEntries(keys.map((key) => [key, last[key]])));
    assert.equal(verifyChain(text(lines)).ok, true);
    // ...but a middle line rewritten so breaks the link to the next record's prev.
    const middle = chain(3);
    middle[1] = JSON.stringify(JSON.parse(middle[1] as string), null, 0).replace('{"seq":2,', '{ "seq":2,');
    assert.deepEqual(pick(verifyChain(text(middle))), { line: 2, kind: 'edited' });
  });

  it('finds where an append continues: the last well-formed chained line, past fragments and unchained lines', () => {
    const lines = chain(3);
    assert.deepEqual(anchorIn([...lines, '{"seq":4,"at', JSON.stringify(record(5))]), { seq: 3, lineHash: lineHash(lines[2] as string) });
    assert.equal(anchorIn([JSON.stringify(record(1)), 'garbage']), undefined);
  });
});

function pick(report: ChainReport): { line: number; kind: string } | 'intact' {
  return report.ok ? 'intact' : { line: report.line, kind: report.kind };
}
