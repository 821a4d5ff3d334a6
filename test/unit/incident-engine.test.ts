// The incident engine on an in-memory store: declare, update, resolve, record; optimistic
// concurrency with re-applied events; audit records; sinks; refusals that write nothing.
import assert from 'node:assert/strict';
import { appendEvents, declareIncident, draftPostmortem, makeEvents, recordIncidentEvents, resolveIncident, updateIncident } from '../../src/core/incident/engine';
import type { IncidentEvent } from '../../src/core/incident/events';
import { MemoryIncidentStore } from '../../src/core/incident/memory-store';
import type { IncidentChange, IncidentContext, IncidentSink, StoreWrite } from '../../src/core/incident/ports';
import { listIncidents, pickIncident } from '../../src/core/incident/query';
import type { AuditRecord } from '../../src/core/ports';

class Harness {
  readonly store = new MemoryIncidentStore();
  readonly audit: AuditRecord[] = [];
  readonly changes: IncidentChange[] = [];
  time = Date.parse('2026-11-27T14:00:00.000Z');
  private counter = 0;
  ctx(extra: Partial<IncidentContext> = {}): IncidentContext {
    return {
      store: this.store,
      audit: { append: (r) => Promise.resolve(void this.audit.push(r)) },
      clock: { now: () => new Date(this.time), sleep: () => Promise.resolve() },
      actor: 'Ada Oncall <ada@example.com>',
      // Deterministic "random" bytes: ids differ, tests repeat.
      random: (bytes) => Uint8Array.from({ length: bytes }, () => (this.counter++ * 37) & 0xff),
      ...extra,
    };
  }
}

async function declare(h: Harness, ctx = h.ctx(), title = 'Payment Gateway Down'): Promise<string> {
  const result = await declareIncident(ctx, { title, severity: 'sev1', impact: 'high' });
  assert.ok(result.ok, result.ok ? '' : result.reason);
  return result.value.incident.id;
}

describe('incident engine', () => {
  it('declares, updates and resolves, one audit record per change, the view folded from the stored events', async () => {
    const h = new Harness();
    const id = await declare(h);
    assert.match(id, /^INC-20261127-[0-9A-F]{4}$/);
    h.time += 12 * 60_000;
    const updated = await updateIncident(h.ctx(), undefined, { status: 'identified', eta: '15 minutes', note: 'bad deploy' });
    assert.ok(updated.ok);
    assert.equal(updated.value.incident.eta?.until, '2026-11-27T14:27:00.000Z');
    h.time += 40 * 60_000;
    const resolved = await resolveIncident(h.ctx(), undefined, { rootCause: 'null order', actionItems: 'validate @ada; alert @bo' });
    assert.ok(resolved.ok);
    assert.equal(resolved.value.incident.status, 'resolved');
    assert.equal(resolved.value.previous?.status, 'identified');
    assert.deepEqual(h.audit.map((r) => [r.action, r.subject, r.before ?? '', r.after]), [
      ['incident.declare', id, '', 'investigating'],
      ['incident.update', id, 'investigating', 'identified'],
      ['incident.resolve', id, 'identified', 'resolved'],
    ]);
    assert.equal(h.audit[1]?.details?.events, 'status-changed,eta-set');
    const stored = await h.store.read(id);
    assert.equal(stored?.version, '3');
    assert.equal(stored?.events.length, 4);
  });

  it('refuses bad input and illegal moves with nothing written and nothing audited', async () => {
    const h = new Harness();
    for (const [input, why] of [
      [{ title: 'x', severity: 'sev7', impact: 'high' }, /not a severity/],
      [{ title: '', severity: 'sev1', impact: 'high' }, /title is empty/],
      [{ title: 'x', severity: 'sev1', impact: 'high', warRoom: 'javascript:alert(1)' }, /http or https/],
    ] as const) {
      const result = await declareIncident(h.ctx(), input);
      assert.equal(result.ok, false);
      assert.equal(result.ok ? '' : result.kind, 'input');
      assert.match(result.ok ? '' : result.reason, why);
    }
    assert.deepEqual(await h.store.list(), []);
    const id = await declare(h);
    assert.ok((await resolveIncident(h.ctx(), id, { rootCause: 'x' })).ok);
    const before = await h.store.read(id);
    const back = await updateIncident(h.ctx(), id, { status: 'investigating', note: 'again' });
    assert.equal(back.ok ? '' : back.kind, 'state');
    assert.match(back.ok ? '' : `${back.reason} ${back.hint ?? ''}`, /without being reopened.*Reopen it/);
    assert.equal(back.ok ? undefined : back.remedies?.[0]?.options?.['reopen'], true);
    const noCause = await resolveIncident(h.ctx(), id, {});
    assert.equal(noCause.ok ? '' : noCause.kind, 'input');
    assert.deepEqual(await h.store.read(id), before);
    assert.equal(h.audit.length, 2);
  });

  it('picks the only open incident, names the open ones when several are, and takes the end of an id', async () => {
    const h = new Harness();
    const none = await pickIncident(h.ctx(), undefined);
    assert.equal(none.ok ? '' : none.kind, 'not-found');
    assert.equal(none.ok ? '' : none.remedies?.[0]?.operation, 'incident.create');
    const first = await declare(h);
    assert.equal((await pickIncident(h.ctx(), undefined)).ok, true);
    h.time += 1000;
    const second = await declare(h, h.ctx(), 'Search slow');
    const several = await updateIncident(h.ctx(), undefined, { note: 'x' });
    assert.equal(several.ok ? '' : several.kind, 'ambiguous');
    assert.match(several.ok ? '' : several.reason, new RegExp(`2 incidents are open: .*${second} .*${first} `));
    const bySuffix = await pickIncident(h.ctx(), second.slice(-4).toLowerCase());
    assert.equal(bySuffix.ok && bySuffix.value.incident.id, second);
    assert.equal((await pickIncident(h.ctx(), 'INC-20991231-0000')).ok, false);
    assert.ok((await resolveIncident(h.ctx(), first, { rootCause: 'x' })).ok);
    const reopened = await updateIncident(h.ctx(), undefined, { reopen: true, note: 'errors are back' });
    assert.ok(reopened.ok, 'reopen without --id takes the most recently resolved');
    assert.equal(reopened.value.incident.id, first);
    assert.equal(h.audit.at(-1)?.action, 'incident.reopen');
  });

  it('re-reads and re-applies the same events when another writer got there first: nothing is lost', async () => {
    const h = new Harness();
    const id = await declare(h);
    const other = h.ctx({ actor: 'Bo' });
    let raced = false;
    const racing = h.ctx({
      store: {
        location: 'memory',
        read: (i) => h.store.read(i),
        list: () => h.store.list(),
        create: (i, e) => h.store.create(i, e),
        append: async (i, version, events) => {
          if (!raced) {
            raced = true; // Bo's note lands between our read and our write
            assert.ok((await recordIncidentEvents(other, id, [{ type: 'note', text: 'from Bo' }])).ok);
          }
          return h.store.append(i, version, events);
        },
      },
    });
    const mine = await updateIncident(racing, id, { status: 'identified', note: 'from Ada' });
    assert.ok(mine.ok);
    assert.equal(mine.value.attempts, 2);
    const { incidents } = await listIncidents(h.ctx());
    assert.deepEqual(incidents[0]?.events.map((e) => `${e.type}:${e.actor}`), ['declared:Ada Oncall <ada@example.com>', 'note:Bo', 'status-changed:Ada Oncall <ada@example.com>']);
  });

  it('refuses with who changed it meanwhile when the re-applied event no longer fits, and gives up on endless races', async () => {
    const h = new Harness();
    const id = await declare(h);
    const events = makeEvents(h.ctx(), [{ type: 'eta-set', text: '5m' }]);
    const current = await h.store.read(id);
    assert.ok((await resolveIncident(h.ctx({ actor: 'Cy' }), id, { rootCause: 'x' })).ok);
    // A writer that read before the resolve: its first append is `moved`, the re-applied ETA is refused.
    let first = true;
    const stale = h.ctx({
      store: { ...h.store, location: 'memory', read: (i) => (first ? ((first = false), Promise.resolve(current)) : h.store.read(i)), list: () => h.store.list(), create: (i, e) => h.store.create(i, e), append: (i, v, e) => h.store.append(i, v, e) },
    });
    const refused = await appendEvents(stale, id, events);
    assert.equal(refused.ok ? '' : refused.kind, 'state');
    assert.match(refused.ok ? '' : refused.reason, /ETA means nothing.*Cy changed .* meanwhile/);

    const moved: StoreWrite = { ok: false, conflict: 'moved' };
    const endless = h.ctx({ attempts: 5, store: { location: 'memory', read: (i) => h.store.read(i), list: () => h.store.list(), create: () => Promise.resolve(moved), append: () => Promise.resolve(moved) } });
    const gaveUp = await recordIncidentEvents(endless, id, [{ type: 'note', text: 'x' }]);
    assert.equal(gaveUp.ok ? '' : gaveUp.kind, 'conflict');
    assert.match(gaveUp.ok ? '' : gaveUp.reason, /kept changing .*5 tries.*nothing of it was recorded/);
  });

  it('treats a write that landed but was reported lost as done, and draws another id when one is taken', async () => {
    const h = new Harness();
    const id = await declare(h);
    const events: IncidentEvent[] = makeEvents(h.ctx(), [{ type: 'note', text: 'once' }]);
    const lying = h.ctx({ store: { location: 'memory', read: (i) => h.store.read(i), list: () => h.store.list(), create: (i, e) => h.store.create(i, e), append: async (i, v, e) => (await h.store.append(i, v, e), { ok: false, conflict: 'moved' }) } });
    const result = await appendEvents(lying, id, events);
    assert.ok(result.ok);
    assert.equal((await h.store.read(id))?.events.length, 2, 'the note once, not twice');

    let taken = 0;
    const crowded = h.ctx({ store: { location: 'memory', read: (i) => h.store.read(i), list: () => h.store.list(), append: (i, v, e) => h.store.append(i, v, e), create: (i, e) => (taken++ < 2 ? Promise.resolve({ ok: false, conflict: 'exists' }) : h.store.create(i, e)) } });
    const declared = await declareIncident(crowded, { title: 't', severity: 'sev3', impact: 'low' });
    assert.ok(declared.ok);
    assert.equal(declared.value.attempts, 3);
  });

  it('tells every sink after the write, with the broadcast flag; a failing sink is reported, never blocking', async () => {
    const h = new Harness();
    const heard: IncidentChange[] = [];
    const sinks: IncidentSink[] = [
      { name: 'recorder', publish: (c) => (heard.push(c), Promise.resolve([{ channel: 'recorder', ok: true, detail: 'kept' }])) },
      { name: 'slack', publish: () => Promise.reject(new Error('429 Too Many Requests')) },
    ];
    const ctx = h.ctx({ sinks });
    const declared = await declareIncident(ctx, { title: 'Payment Gateway Down', severity: 'SEV0', impact: 'critical' }, { broadcast: true });
    assert.ok(declared.ok);
    assert.deepEqual(declared.value.published, [{ channel: 'recorder', ok: true, detail: 'kept' }, { channel: 'slack', ok: false, detail: '429 Too Many Requests' }]);
    const updated = await updateIncident(ctx, undefined, { status: 'monitoring' });
    assert.ok(updated.ok);
    assert.deepEqual(heard.map((c) => [c.broadcast, c.previous?.status, c.incident.status, c.events.map((e) => e.type).join()]), [
      [true, undefined, 'investigating', 'declared'],
      [false, 'investigating', 'monitoring', 'status-changed'],
    ]);
    assert.equal(h.audit.length, 2);
  });

  it('tells the sinks all at once and reports them in their order', async () => {
    const h = new Harness();
    // Each sink answers only once every sink has been asked: one after another, none would ever answer.
    let asked = 0;
    let release = (): void => undefined;
    const everyoneAsked = new Promise<void>((resolve) => (release = resolve));
    const sink = (name: string): IncidentSink => ({
      name,
      publish: async () => {
        if (++asked === 3) release();
        await everyoneAsked;
        return [{ channel: name, ok: true, detail: 'sent' }];
      },
    });
    const declared = await declareIncident(h.ctx({ sinks: [sink('slack'), sink('pagerduty'), sink('webhook')] }), { title: 'Checkout down', severity: 'sev1', impact: 'high' }, { broadcast: true });
    assert.ok(declared.ok);
    assert.deepEqual(declared.value.published.map((p) => p.channel), ['slack', 'pagerduty', 'webhook']);
  });

  it('records what the tool did, and drafts the post-mortem of the last resolved incident', async () => {
    const h = new Harness();
    const id = await declare(h);
    const recorded = await recordIncidentEvents(h.ctx(), id, [
      { type: 'hotfix-created', branch: 'hotfix/PROD-1-null-order', issueKey: 'PROD-1' },
      { type: 'deploy-succeeded', target: 'production', image: 'app:1.10.1' },
    ]);
    assert.ok(recorded.ok);
    assert.deepEqual(recorded.value.incident.hotfixes, ['hotfix/PROD-1-null-order']);
    assert.equal(h.audit.at(-1)?.action, 'incident.record');
    assert.ok((await resolveIncident(h.ctx(), id, { rootCause: 'null order' })).ok);
    let saved = '';
    const draft = await draftPostmortem(h.ctx(), undefined, (markdown) => ((saved = markdown), Promise.resolve('/tmp/pm.md')));
    assert.ok(draft.ok);
    assert.equal(draft.value.markdown, saved);
    assert.match(saved, /^# Post-mortem: Payment Gateway Down/);
    assert.equal(draft.value.outcome.incident.postmortemDraftedAt, new Date(h.time).toISOString());
    assert.deepEqual(h.audit.at(-1)?.action, 'incident.postmortem');
  });
});
