// The incident's view folded from its timeline, the status transitions, and the plans that turn
// what a person asked into events (or a refusal).
import assert from 'node:assert/strict';
import type { EventPayload, IncidentEvent } from '../../src/core/incident/events';
import { applyEvent, applyEvents, foldIncident } from '../../src/core/incident/fold';
import type { Incident } from '../../src/core/incident/model';
import { planDeclare, planResolve, planUpdate } from '../../src/core/incident/plan';
import { checkStatusChange, statusMove } from '../../src/core/incident/transitions';
import type { Remedy } from '../../src/core/remedy';

const ID = 'INC-20261127-3F2A';
let n = 0;
function ev(payload: EventPayload, minute = n, actor = 'Ada'): IncidentEvent {
  n += 1;
  return { id: `e${n}`, at: new Date(Date.UTC(2026, 10, 27, 14, minute)).toISOString(), actor, ...payload };
}
const declared = (): IncidentEvent => ev({ type: 'declared', title: 'Payment Gateway Down', severity: 'SEV1', impact: { level: 'high' }, commander: 'Ada' }, 0);

function fold(...events: IncidentEvent[]): Incident {
  const view = foldIncident(ID, events);
  assert.ok(view.ok, view.ok ? '' : view.reason);
  return view.value;
}
function refusal(result: { ok: boolean; reason?: string; hint?: string }): string {
  assert.equal(result.ok, false, 'expected a refusal');
  return `${result.reason ?? ''} | ${result.hint ?? ''}`;
}
/** A refusal's remedies, as `operation {options}`: what the front ends offer to run. */
function remedies(result: { ok: boolean; remedies?: readonly Remedy[] }): string[] {
  assert.equal(result.ok, false, 'expected a refusal');
  return (result.remedies ?? []).map((r) => `${r.operation} ${JSON.stringify(r.options ?? {})}`);
}

describe('incident transitions', () => {
  it('moves forward, skipping statuses if need be; back only with a reason; never to resolved by a status change', () => {
    assert.equal(statusMove('investigating', 'monitoring'), 'forward');
    assert.equal(statusMove('monitoring', 'identified'), 'backward');
    assert.deepEqual(checkStatusChange(ID, 'investigating', 'monitoring', undefined), { ok: true, value: 'forward' });
    assert.deepEqual(checkStatusChange(ID, 'identified', 'identified', undefined), { ok: true, value: 'same' });
    assert.match(refusal(checkStatusChange(ID, 'monitoring', 'identified', ' ')), /go back from monitoring to identified.*say why in the note/i);
    assert.deepEqual(remedies(checkStatusChange(ID, 'monitoring', 'identified', ' ')), [`incident.update {"incident":"${ID}","status":"identified","note":"…"}`]);
    assert.deepEqual(checkStatusChange(ID, 'monitoring', 'identified', 'the fix did not hold'), { ok: true, value: 'backward' });
    assert.deepEqual(remedies(checkStatusChange(ID, 'identified', 'resolved', undefined)), [`incident.resolve {"incident":"${ID}","rootCause":"…","actionItems":"…"}`]);
    assert.match(refusal(checkStatusChange(ID, 'resolved', 'investigating', 'it is back')), /resolved; it cannot go back to investigating without being reopened.*Reopen it/);
    assert.deepEqual(remedies(checkStatusChange(ID, 'resolved', 'investigating', 'it is back')), [`incident.update {"incident":"${ID}","reopen":true,"status":"investigating","note":"…"}`]);
  });
});

describe('incident fold', () => {
  it('derives the view from the timeline: status history with times, ETA, people, links, work done', () => {
    const i = fold(
      declared(),
      ev({ type: 'status-changed', to: 'identified', reason: 'bad deploy' }, 12, 'Bo'),
      ev({ type: 'eta-set', text: '15 minutes', until: '2026-11-27T14:27:00.000Z' }, 12),
      ev({ type: 'responder-added', name: 'Bo' }, 13),
      ev({ type: 'responder-added', name: 'Bo' }, 13),
      ev({ type: 'link-added', kind: 'war-room', url: 'https://meet.example.com/x' }, 13),
      ev({ type: 'components-affected', components: ['api', 'checkout'] }, 14),
      ev({ type: 'hotfix-created', branch: 'hotfix/PROD-1-x', issueKey: 'PROD-1' }, 15),
      ev({ type: 'deploy-started', target: 'production', image: 'app:1.10.1', strategy: 'canary' }, 20),
      ev({ type: 'gate-verdict', target: 'production', pass: false, reason: 'error rate 4% > 1%', step: '10%' }, 25),
      ev({ type: 'rollback', target: 'production', to: 'app:1.10.0' }, 26),
      ev({ type: 'status-changed', to: 'monitoring' }, 40),
      ev({ type: 'resolved', rootCause: 'null order', actionItems: [{ text: 'validate', owner: 'ada' }] }, 58, 'Cy'),
    );
    assert.equal(i.status, 'resolved');
    assert.deepEqual(i.statusHistory.map((s) => [s.status, s.at.slice(11, 16), s.by]), [
      ['investigating', '14:00', 'Ada'],
      ['identified', '14:12', 'Bo'],
      ['monitoring', '14:40', 'Ada'],
      ['resolved', '14:58', 'Cy'],
    ]);
    assert.equal(i.eta, undefined, 'an ETA ends with the incident');
    assert.deepEqual(i.responders, ['Bo']);
    assert.equal(i.warRoom, 'https://meet.example.com/x');
    assert.deepEqual(i.components, ['api', 'checkout']);
    assert.deepEqual(i.hotfixes, ['hotfix/PROD-1-x']);
    assert.deepEqual(i.deploys.map((d) => d.outcome), ['started']);
    assert.deepEqual(i.rollbacks, [{ target: 'production', at: '2026-11-27T14:26:00.000Z', to: 'app:1.10.0' }]);
    assert.equal(i.rootCause, 'null order');
    assert.equal(i.resolvedBy, 'Cy');
    assert.equal(i.events.length, 13);
  });

  it('is pure: the same events give the same view, and the input is left alone', () => {
    const events = [declared(), ev({ type: 'note', text: 'x' }, 1)];
    const copy = structuredClone(events);
    assert.deepEqual(fold(...events), fold(...events));
    assert.deepEqual(events, copy);
  });

  it('refuses a resolved incident going back without reopening, and reopens with a reason', () => {
    const resolved = fold(declared(), ev({ type: 'resolved', rootCause: 'x', actionItems: [] }, 30));
    assert.match(refusal(applyEvent(ID, resolved, ev({ type: 'status-changed', to: 'investigating', reason: 'back' }))), /without being reopened/);
    assert.match(refusal(applyEvent(ID, resolved, ev({ type: 'eta-set', text: '5m' }))), /ETA means nothing/);
    assert.match(refusal(applyEvent(ID, resolved, ev({ type: 'resolved', rootCause: 'y', actionItems: [] }))), /already resolved/);
    const reopened = applyEvent(ID, resolved, ev({ type: 'reopened', to: 'identified', reason: 'errors are back' }, 45));
    assert.ok(reopened.ok);
    assert.equal(reopened.value.status, 'identified');
    assert.equal(reopened.value.resolvedAt, undefined);
    assert.equal(reopened.value.reopened, 1);
    assert.match(refusal(applyEvent(ID, fold(declared()), ev({ type: 'reopened', to: 'investigating', reason: 'x' }))), /not resolved/);
  });

  it('keeps corrections as new events pointing at the one they correct', () => {
    const note = ev({ type: 'note', text: 'US cluster down' }, 3);
    const i = fold(declared(), note, ev({ type: 'correction', corrects: note.id, text: 'it was the EU cluster' }, 5));
    assert.deepEqual(i.corrections, { [note.id]: ['it was the EU cluster'] });
    assert.match(refusal(applyEvent(ID, i, ev({ type: 'correction', corrects: 'nope', text: 'x' }))), /no event nope/);
  });

  it('refuses unreadable or impossible timelines with the event number', () => {
    assert.match(refusal(foldIncident(ID, [])), /empty timeline/);
    assert.match(refusal(foldIncident(ID, [ev({ type: 'note', text: 'x' })])), /event 1 .* no declared event/);
    assert.match(refusal(foldIncident(ID, [declared(), { id: 'x', at: '2026-11-27T14:00:00Z', actor: 'a', type: 'explode' }])), /event 2 .* unknown event type "explode"/);
    assert.match(refusal(foldIncident(ID, [declared(), { id: 'y', at: '2026-11-27T14:00:00Z', actor: 'a', type: 'status-changed', to: 'resolved' }])), /malformed status-changed/);
    const d = declared();
    assert.match(refusal(foldIncident(ID, [d, d])), /already declared/);
    assert.match(refusal(applyEvents(fold(declared()), [ev({ type: 'note', text: 'fine' }), ev({ type: 'reopened', to: 'investigating', reason: 'x' })])), /nothing to reopen/);
  });
});

describe('incident plans', () => {
  const now = new Date('2026-11-27T14:10:00Z');

  it('declares with every field checked, naming the first refusal', () => {
    const ok = planDeclare({ title: 'Payment Gateway Down', severity: 'sev1', impact: 'high', warRoom: 'https://meet.example.com/x', components: 'api', note: 'first' });
    assert.ok(ok.ok);
    assert.deepEqual(ok.value.payloads.map((p) => p.type), ['declared', 'note']);
    assert.match(refusal(planDeclare({ title: 'x', severity: 'sev9', impact: 'high' })), /"sev9" is not a severity.*SEV0, SEV1/);
    assert.match(refusal(planDeclare({ title: '  ', severity: 'sev1', impact: 'high' })), /title is empty/);
    assert.match(refusal(planDeclare({ title: 'x', severity: 'sev1', impact: 'bad' })), /not an impact/);
    assert.match(refusal(planDeclare({ title: 'x', severity: 'sev1', impact: 'low', warRoom: 'ftp://x' })), /war room must be an http/);
  });

  it('turns an update into events: the note is the status message, same status is a notice, going back needs the note', () => {
    const i = fold(declared());
    const up = planUpdate(i, { status: 'Identified', eta: '15 minutes', note: 'bad deploy', commander: 'Bo' }, now);
    assert.ok(up.ok);
    assert.deepEqual(up.value.payloads, [
      { type: 'commander-set', name: 'Bo' },
      { type: 'status-changed', to: 'identified', reason: 'bad deploy' },
      { type: 'eta-set', text: '15 minutes', until: '2026-11-27T14:25:00.000Z' },
    ]);
    const same = planUpdate(i, { status: 'investigating', note: 'still looking' }, now);
    assert.ok(same.ok);
    assert.deepEqual(same.value.payloads, [{ type: 'note', text: 'still looking' }]);
    assert.deepEqual(same.value.notices, [`${ID} is already investigating.`]);
    assert.match(refusal(planUpdate(i, {}, now)), /Nothing to update/);
    assert.match(refusal(planUpdate(i, { status: 'resolved' }, now)), /resolved with its root cause, not by a status change/);
    assert.deepEqual(remedies(planUpdate(i, { status: 'resolved' }, now)).map((r) => r.split(' ')[0]), ['incident.resolve']);
    assert.match(refusal(planUpdate(i, { status: 'fixed' }, now)), /"fixed" is not a status/);
    assert.match(refusal(planUpdate(i, { reopen: true, note: 'x' }, now)), /nothing to reopen/);
    assert.match(refusal(planUpdate(i, { correct: '1' }, now)), /correction needs its text/);
    const corrected = planUpdate(i, { correct: '#1', note: 'it was SEV2' }, now);
    assert.ok(corrected.ok);
    assert.deepEqual(corrected.value.payloads, [{ type: 'correction', corrects: i.events[0]?.id, text: 'it was SEV2' }]);
  });

  it('resolves only with a root cause, with a hint for when it is not known yet', () => {
    const i = fold(declared());
    assert.match(refusal(planResolve(i, { actionItems: 'a' })), /needs a root cause.*unknown, investigation continues/);
    assert.match(refusal(planResolve(i, { rootCause: 'x', actionItems: '@ada' })), /names an owner but no work/);
    const ok = planResolve(i, { rootCause: 'null order', actionItems: 'validate @ada; alert' });
    assert.ok(ok.ok);
    assert.deepEqual(ok.value.payloads, [{ type: 'resolved', rootCause: 'null order', actionItems: [{ text: 'validate', owner: 'ada' }, { text: 'alert' }] }]);
    const none = planResolve(i, { rootCause: 'x' });
    assert.ok(none.ok);
    assert.match(none.value.notices.join(), /No action items/);
  });
});
