// The audit chain's anchor and its cross-check with the incident store, as pure functions: what an
// anchor records, each way a log can disagree with it, and the events no record names.
import assert from 'node:assert/strict';
import { RECONCILE_ACTION, reconcileRecords } from '../../src/core/audit/coverage';
import { anchorMessage, anchorRef, auditCoverage, chainHead, chainLine, chainPositions, checkAnchor, GENESIS, neutralizeControls, parseAnchorMessage, type ChainAnchor } from '../../src/core/audit';
import type { AuditRecord } from '../../src/core/ports';

function record(i: number, extra: Partial<AuditRecord> = {}): AuditRecord {
  return { at: `2026-03-01T10:${String(i).padStart(2, '0')}:00.000Z`, actor: 'Ada Oncall <ada@example.com>', action: 'incident.update', subject: 'INC-1', ...extra };
}

function log(records: readonly AuditRecord[]): string {
  let anchor: ChainAnchor = GENESIS;
  return records
    .map((r) => {
      const next = chainLine(r, anchor);
      anchor = next.anchor;
      return `${next.line}\n`;
    })
    .join('');
}

const five = Array.from({ length: 5 }, (_, i) => record(i + 1));

describe('audit anchor', () => {
  it('round-trips its message and names one ref per chain', () => {
    const head = chainHead(chainPositions(log(five)));
    assert.ok(head);
    assert.equal(head.seq, 5);
    assert.deepEqual(parseAnchorMessage(anchorMessage(head)), head);
    assert.match(anchorRef(head.chain), /^refs\/hotfix\/audit\/[0-9a-f]{32}$/);
    assert.equal(parseAnchorMessage('Merge branch x'), undefined);
    assert.equal(parseAnchorMessage(anchorMessage(head).replace(/seq 5/, 'seq -1')), undefined);
    assert.equal(chainHead(chainPositions('')), undefined);
  });

  it('holds while the log still has the anchored record at its place, records after it included', () => {
    const head = chainHead(chainPositions(log(five.slice(0, 3))));
    assert.deepEqual(checkAnchor(chainPositions(log(five)), head, 'local'), { ok: true, seq: 3, since: 2 });
  });

  it('names a rewrite with recomputed hashes, a cut end, and a log replaced from its first record', () => {
    const head = chainHead(chainPositions(log(five)));
    const rewritten = checkAnchor(chainPositions(log(five.map((r, i) => (i === 2 ? { ...r, subject: 'INC-2' } : r)))), head, 'on origin');
    assert.equal(rewritten.ok ? '' : rewritten.kind, 'rewritten');
    assert.match(rewritten.ok ? '' : rewritten.message, /rewritten behind the anchor on origin: it anchored record 5 with hash [0-9a-f]{64}, and the log holds hash [0-9a-f]{64} there/);

    const cut = checkAnchor(chainPositions(log(five.slice(0, 4))), head, 'local');
    assert.equal(cut.ok ? '' : cut.kind, 'truncated');
    const replaced = checkAnchor(chainPositions(log([record(1, { actor: 'Mallory' }), ...five.slice(1)])), head, 'local');
    assert.equal(replaced.ok ? '' : replaced.kind, 'other-chain');
    const gone = checkAnchor(chainPositions(''), head, 'local');
    assert.equal(gone.ok ? '' : gone.kind, 'other-chain');
    const foreign = checkAnchor(chainPositions(log(five)), undefined, 'local');
    assert.equal(foreign.ok ? '' : foreign.kind, 'unreadable');
  });
});

describe('audit coverage of incident events', () => {
  const events = (ids: string[]) => ids.map((id) => ({ id, type: 'note', at: '2026-03-01T10:00:00.000Z', actor: 'Ada' }));
  const recorded = (ids: string[], incident = 'INC-1') => record(1, { subject: incident, details: { incident, eventIds: ids.join(',') } });

  it('finds every stored event named by a record, across records', () => {
    const coverage = auditCoverage(log([recorded(['a', 'b']), recorded(['c'])]), [{ incident: 'INC-1', events: events(['a', 'b', 'c']) }]);
    assert.deepEqual(coverage, { events: 3, recorded: 3, missing: [], unstored: [] });
  });

  it('names stored events no record names, events without an id, and recorded events gone from a stored incident', () => {
    const coverage = auditCoverage(log([recorded(['a']), recorded(['x'])]), [{ incident: 'INC-1', events: [...events(['a', 'b']), { type: 'note' }] }]);
    assert.deepEqual(coverage.missing.map((m) => m.event), ['b', '(no id)']);
    assert.deepEqual(coverage.unstored, [{ incident: 'INC-1', event: 'x', line: 2 }]);
    // An incident this store does not hold at all (another store, before) is not a gap.
    assert.deepEqual(auditCoverage(log([recorded(['z'], 'INC-9')]), []).unstored, []);
  });

  it('reconcile records name the unrecorded events, one per incident, and then they are covered; an event without an id is not', () => {
    const stored = [
      { incident: 'INC-1', events: [...events(['a', 'b', 'c']), { type: 'note' }] },
      { incident: 'INC-2', events: events(['d']) },
    ];
    const before = auditCoverage(log([recorded(['a'])]), stored);
    const records = reconcileRecords(before.missing, '2026-03-01T11:00:00.000Z', 'Ada');
    assert.deepEqual(records.map((r) => [r.action, r.subject, r.details?.eventIds]), [[RECONCILE_ACTION, 'INC-1', 'b,c'], [RECONCILE_ACTION, 'INC-2', 'd']]);
    assert.match(String(records[0]?.details?.reason), /recorded afterwards/);
    const after = auditCoverage(log([recorded(['a']), ...records]), stored);
    assert.deepEqual(after.missing.map((m) => m.event), ['(no id)']);
  });
});

describe('neutralizeControls', () => {
  it('shows ESC, BEL, C1 and bidi characters as \\u escapes and keeps tab and line breaks', () => {
    assert.equal(neutralizeControls('Eve \u001b]0;pwned\u0007\u001b[31m\u009b2J\u202e\tx\ny'), 'Eve \\u001b]0;pwned\\u0007\\u001b[31m\\u009b2J\\u202e\tx\ny');
  });
});
