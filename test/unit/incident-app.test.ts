// The incident operations (src/app/incident*.ts) with a scripted Interaction and an in-memory store:
// which incident (asked when several are open and someone can be asked; else refused with each as a
// remedy), whether to notify the channels (asked only when some are on), and the refusals' remedies.

import assert from 'node:assert/strict';
import type { OpenIncidents } from '../../src/adapters/incident-workspace';
import type { AppEnv } from '../../src/app/env';
import { declareIncident, resolveIncident, updateIncident, whichIncident } from '../../src/app/incident';
import { listIncidents, showIncident } from '../../src/app/incident-read';
import { silentInteraction, type ChooseRequest, type Interaction } from '../../src/app/interaction';
import type { HotfixConfigFile } from '../../src/core/config/types';
import { MemoryIncidentStore } from '../../src/core/incident/memory-store';
import type { IncidentContext } from '../../src/core/incident/ports';

class World {
  readonly store = new MemoryIncidentStore();
  time = Date.parse('2026-11-27T14:00:00.000Z');
  private counter = 0;
  notifications: HotfixConfigFile['notifications'] = undefined;
  readonly asked: ChooseRequest<unknown>[] = [];

  /** The n-th question asked (the array itself narrows to never after an empty check). */
  question(n: number): ChooseRequest<unknown> | undefined {
    return this.asked[n];
  }

  ctx(): IncidentContext {
    return {
      store: this.store,
      audit: { append: () => Promise.resolve() },
      clock: { now: () => new Date(this.time), sleep: () => Promise.resolve() },
      actor: 'Ada Oncall <ada@example.com>',
      random: (bytes) => Uint8Array.from({ length: bytes }, () => (this.counter++ * 37) & 0xff),
    };
  }

  /** An environment whose person answers each choice with `answer` (undefined: dismissed), or nobody. */
  env(answer?: (request: ChooseRequest<unknown>) => unknown, interactive = answer !== undefined): AppEnv {
    const interaction: Interaction = silentInteraction({
      interactive,
      choose: <T>(request: ChooseRequest<T>) => {
        this.asked.push(request);
        return Promise.resolve(answer?.(request as ChooseRequest<unknown>) as T | undefined);
      },
    });
    const opened = { location: { root: '/repo' }, dir: '/repo/.git/hotfix/incidents', context: this.ctx() } as unknown as OpenIncidents;
    const config = { targets: {}, ...(this.notifications ? { notifications: this.notifications } : {}) } as unknown as HotfixConfigFile;
    return {
      dir: '/repo',
      interaction,
      secrets: {},
      readConfig: () => Promise.resolve({ ok: true, value: config }),
      workspace: () => Promise.resolve({ ok: false, reason: 'no workspace in this test' }),
      incidents: () => Promise.resolve({ ok: true, value: opened }),
      target: () => Promise.resolve({ ok: false, reason: 'no cluster in this test' }),
    };
  }

  async declare(title: string, severity = 'sev1'): Promise<string> {
    const declared = await declareIncident(this.env(), { input: { title, severity, impact: 'high' } });
    assert.equal(declared.kind, 'changed', JSON.stringify(declared));
    this.time += 60_000;
    return declared.kind === 'changed' ? declared.outcome.incident.id : '';
  }
}

describe('incident operations (scripted interaction, in-memory store)', () => {
  it('with none open, which incident is refused with the declaration as the remedy', async () => {
    const w = new World();
    const which = await whichIncident(w.env(), { operation: 'incident.update', question: 'Update which incident?' });
    assert.equal(which.kind, 'refused');
    assert.equal(which.kind === 'refused' ? which.failed.failure : '', 'not-found');
    assert.deepEqual(which.kind === 'refused' ? which.failed.remedies?.map((r) => r.operation) : [], ['incident.create']);
  });

  it('with several open: refused with each as a remedy when nobody can be asked, else the person picks', async () => {
    const w = new World();
    const minor = await w.declare('Search slow', 'sev3');
    const major = await w.declare('Checkout down', 'sev0');
    const refused = await updateIncident(w.env(), { input: { note: 'x' } });
    assert.equal(refused.kind, 'refused');
    if (refused.kind !== 'refused') return;
    assert.equal(refused.failed.failure, 'ambiguous');
    assert.deepEqual(refused.failed.remedies, [
      { operation: 'incident.update', options: { incident: major } },
      { operation: 'incident.update', options: { incident: minor } },
    ]);
    assert.deepEqual(w.asked, []);

    const picked = await updateIncident(w.env((request) => request.choices[1]?.value), { input: { note: 'the index is cold' } });
    assert.equal(picked.kind, 'changed');
    assert.equal(picked.kind === 'changed' ? picked.outcome.incident.id : '', minor, 'the second choice, most severe first');
    assert.equal(w.question(0)?.subject, 'incident');
    assert.match(w.question(0)?.choices[0]?.label ?? '', /^SEV0 Checkout down/);

    const dismissed = await resolveIncident(w.env(() => undefined, true), { input: { rootCause: 'x' } });
    assert.deepEqual(dismissed, { kind: 'cancelled' });
  });

  it('asks whether to notify only when channels are on and someone can be asked; given, it is not asked', async () => {
    const w = new World();
    await w.declare('Payment Gateway Down');
    assert.deepEqual(w.asked, [], 'no channel on: not asked');
    w.notifications = { slack: { channel: '#inc' } } as HotfixConfigFile['notifications'];
    const declined = await declareIncident(w.env((request) => request.choices.find((c) => c.label === 'Record only')?.value), { input: { title: 'Cache cold', severity: 'sev2', impact: 'low' } });
    assert.equal(declined.kind, 'changed');
    assert.equal(w.asked.length, 1);
    assert.equal(w.question(0)?.subject, 'broadcast');
    assert.deepEqual(w.question(0)?.choices.map((c) => c.label), ['Notify slack', 'Record only']);
    assert.deepEqual(declined.kind === 'changed' ? declined.broadcast : undefined, { requested: false });
    await declareIncident(w.env(() => true), { input: { title: 'Given', severity: 'sev3', impact: 'low' }, broadcast: false });
    assert.equal(w.asked.length, 1, 'given: not asked');
    const none = await declareIncident(w.env(), { input: { title: 'Nobody to ask', severity: 'sev3', impact: 'low' } });
    assert.deepEqual(none.kind === 'changed' ? none.broadcast : undefined, { requested: false });
  });

  it('refusals of the engine carry their remedies; a broadcast of no change says so', async () => {
    const w = new World();
    const id = await w.declare('Payment Gateway Down');
    assert.equal((await updateIncident(w.env(), { input: { status: 'monitoring' } })).kind, 'changed');
    const back = await updateIncident(w.env(), { input: { status: 'investigating' } });
    assert.equal(back.kind === 'refused' ? back.failed.failure : '', 'state');
    assert.deepEqual(back.kind === 'refused' ? back.failed.remedies : [], [{ operation: 'incident.update', options: { incident: id, status: 'investigating', note: '…' } }]);
    const same = await updateIncident(w.env(), { input: { status: 'monitoring' }, broadcast: true });
    assert.deepEqual(same.kind === 'changed' ? same.broadcast : undefined, { requested: true, sent: false, why: 'nothing-changed' });
    const resolved = await resolveIncident(w.env(), { incident: id.slice(-4), input: { rootCause: 'null order' }, broadcast: true });
    assert.equal(resolved.kind, 'changed');
    assert.deepEqual(resolved.kind === 'changed' ? [resolved.outcome.incident.status, resolved.gitops, resolved.broadcast] : [], ['resolved', undefined, { requested: true, sent: false, why: 'no-channels' }]);
    const listed = await listIncidents(w.env(), {});
    assert.deepEqual(listed.kind === 'listed' ? [listed.incidents.length, listed.resolved] : [], [0, 1]);
    const shown = await showIncident(w.env(), {});
    assert.equal(shown.kind === 'shown' ? shown.incident.id : '', id, 'none open: the most recently resolved');
  });
});
