// The incident's current view, folded from its timeline. Pure: the same events give the same view.
// applyEvent is also the gate for new events: an event it refuses is never written.

import { failed, succeeded, type Result } from '../result';
import { remedy } from '../remedy';
import { eventShapeError, type IncidentEvent } from './events';
import { isOpen, type Incident } from './model';
import { checkReopen, checkResolve, checkStatusChange } from './transitions';

/** The view after one more event, or why the event cannot happen to this incident. */
export function applyEvent(id: string, current: Incident | undefined, event: IncidentEvent): Result<Incident> {
  if (event.type === 'declared') {
    if (current) return failed(`${id} is already declared.`);
    return succeeded({
      id,
      title: event.title,
      severity: event.severity,
      impact: event.impact,
      status: 'investigating',
      declaredAt: event.at,
      declaredBy: event.actor,
      updatedAt: event.at,
      statusHistory: [{ status: 'investigating', at: event.at, by: event.actor }],
      ...(event.commander !== undefined ? { commander: event.commander } : {}),
      responders: [...(event.responders ?? [])],
      ...(event.warRoom !== undefined ? { warRoom: event.warRoom } : {}),
      ...(event.statusPage !== undefined ? { statusPage: event.statusPage } : {}),
      links: [
        ...(event.warRoom !== undefined ? [{ kind: 'war-room' as const, url: event.warRoom }] : []),
        ...(event.statusPage !== undefined ? [{ kind: 'status-page' as const, url: event.statusPage }] : []),
      ],
      components: [...(event.components ?? [])],
      actionItems: [],
      hotfixes: [],
      deploys: [],
      rollbacks: [],
      reopened: 0,
      corrections: {},
      events: [event],
    });
  }
  if (!current) return failed(`${id} has no declared event: its timeline must start with one.`);
  if (current.events.some((e) => e.id === event.id)) return failed(`${id} already has event ${event.id}.`);
  const next = (changes: Partial<Incident>): Result<Incident> =>
    succeeded({ ...current, ...changes, updatedAt: event.at > current.updatedAt ? event.at : current.updatedAt, events: [...current.events, event] });
  const open = isOpen(current);

  switch (event.type) {
    case 'status-changed': {
      const move = checkStatusChange(id, current.status, event.to, event.reason);
      if (!move.ok) return move;
      if (move.value === 'same') return next({});
      const entry = { status: event.to, at: event.at, by: event.actor, ...(event.reason ? { reason: event.reason } : {}) };
      return next({ status: event.to, statusHistory: [...current.statusHistory, entry] });
    }
    case 'reopened': {
      const ok = checkReopen(id, current.status, event.reason);
      if (!ok.ok) return ok;
      const { resolvedAt: _at, resolvedBy: _by, ...rest } = current;
      return succeeded({
        ...rest,
        status: event.to,
        statusHistory: [...current.statusHistory, { status: event.to, at: event.at, by: event.actor, reason: event.reason }],
        reopened: current.reopened + 1,
        updatedAt: event.at > current.updatedAt ? event.at : current.updatedAt,
        events: [...current.events, event],
      });
    }
    case 'resolved': {
      const ok = checkResolve(id, current.status, event.rootCause);
      if (!ok.ok) return ok;
      const { eta: _eta, ...rest } = current;
      return succeeded({
        ...rest,
        status: 'resolved',
        statusHistory: [...current.statusHistory, { status: 'resolved', at: event.at, by: event.actor }],
        rootCause: event.rootCause,
        actionItems: [...current.actionItems, ...event.actionItems],
        resolvedAt: event.at,
        resolvedBy: event.actor,
        updatedAt: event.at > current.updatedAt ? event.at : current.updatedAt,
        events: [...current.events, event],
      });
    }
    case 'eta-set':
      if (!open) return failed(`${id} is resolved; an ETA means nothing any more.`, 'Reopen it first if the problem is back.');
      return next({ eta: { text: event.text, ...(event.until !== undefined ? { until: event.until } : {}) } });
    case 'title-changed':
      return next({ title: event.title });
    case 'severity-changed':
      return next({ severity: event.to });
    case 'impact-set':
      return next({ impact: event.impact });
    case 'commander-set':
      return next({ commander: event.name });
    case 'responder-added':
      return next({ responders: current.responders.includes(event.name) ? current.responders : [...current.responders, event.name] });
    case 'components-affected':
      return next({ components: [...current.components, ...event.components.filter((c) => !current.components.includes(c))] });
    case 'link-added': {
      const link = { kind: event.kind, url: event.url, ...(event.label !== undefined ? { label: event.label } : {}) };
      return next({
        links: [...current.links, link],
        ...(event.kind === 'war-room' ? { warRoom: event.url } : {}),
        ...(event.kind === 'status-page' ? { statusPage: event.url } : {}),
      });
    }
    case 'note':
      return next({});
    case 'hotfix-created':
      return next({ hotfixes: current.hotfixes.includes(event.branch) ? current.hotfixes : [...current.hotfixes, event.branch] });
    case 'deploy-started':
    case 'deploy-succeeded':
    case 'deploy-failed': {
      const outcome = event.type === 'deploy-started' ? 'started' : event.type === 'deploy-succeeded' ? 'succeeded' : 'failed';
      const deploy = { target: event.target, at: event.at, outcome, ...(event.image !== undefined ? { image: event.image } : {}) } as const;
      return next({ deploys: [...current.deploys, deploy] });
    }
    case 'rollback':
      return next({ rollbacks: [...current.rollbacks, { target: event.target, at: event.at, ...(event.to !== undefined ? { to: event.to } : {}) }] });
    case 'hotfix-finished':
      return next({ hotfixes: current.hotfixes.includes(event.branch) ? current.hotfixes : [...current.hotfixes, event.branch] });
    case 'gate-verdict':
    case 'rollout-action':
    case 'pull-request':
    case 'validated':
    case 'validation-overridden':
    case 'drift-found':
    case 'gitops-paused':
    case 'gitops-restored':
    case 'manifests-prepared':
      return next({});
    case 'postmortem-drafted':
      return next({ postmortemDraftedAt: event.at });
    case 'correction': {
      const target = current.events.find((e) => e.id === event.corrects);
      if (!target) return failed(`${id} has no event ${event.corrects} to correct.`, 'Pick an event number of its timeline (#n).', [remedy('incident.show', { incident: id })]);
      if (target.type === 'correction') return failed('A correction cannot itself be corrected; add another correction to the original event.');
      return next({ corrections: { ...current.corrections, [event.corrects]: [...(current.corrections[event.corrects] ?? []), event.text] } });
    }
  }
}

/** Folds a whole timeline read from a store, checking each event's shape first. */
export function foldIncident(id: string, events: readonly unknown[]): Result<Incident> {
  let view: Incident | undefined;
  for (const [index, event] of events.entries()) {
    const shape = eventShapeError(event);
    if (shape !== undefined) return failed(`${id}: event ${index + 1} of its timeline is unreadable: ${shape}.`);
    const applied = applyEvent(id, view, event as IncidentEvent);
    if (!applied.ok) return failed(`${id}: event ${index + 1} of its timeline does not apply: ${applied.reason}`);
    view = applied.value;
  }
  return view ? succeeded(view) : failed(`${id} has an empty timeline.`);
}

/** Applies new events in order to a view: all of them, or none with the first refusal. */
export function applyEvents(current: Incident, events: readonly IncidentEvent[]): Result<Incident> {
  let view = current;
  for (const event of events) {
    const applied = applyEvent(current.id, view, event);
    if (!applied.ok) return applied;
    view = applied.value;
  }
  return succeeded(view);
}
