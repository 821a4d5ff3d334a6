// The incident engine: declare, update, resolve and record, each as immutable events appended with
// optimistic concurrency (a lost race re-reads and re-applies the same events), then one audit
// record and the sinks (the notifier) told, all at once. Refusals are values and leave nothing written.

import type { Failed } from '../result';
import { refuse, type IncidentResult } from './failures';
import type { EventPayload, IncidentEvent } from './events';
import { applyEvents, foldIncident } from './fold';
import type { Incident } from './model';
import { newIncidentId } from './parse';
import { postmortem } from './postmortem';
import { planDeclare, planResolve, planUpdate, type DeclareInput, type Plan, type ResolveInput, type UpdateInput } from './plan';
import type { IncidentContext, SinkReport } from './ports';
import { pickIncident, readIncident, type PickOptions } from './query';

export interface ChangeOptions {
  /** Ask the sinks to send to every configured channel. */
  readonly broadcast?: boolean;
}

export interface IncidentOutcome {
  readonly incident: Incident;
  readonly previous?: Incident;
  readonly events: readonly IncidentEvent[];
  readonly version: string;
  readonly notices: readonly string[];
  /** What each sink reported; empty when none is configured. */
  readonly published: readonly SinkReport[];
  /** How many times the write was tried (more than 1 when someone else wrote meanwhile). */
  readonly attempts: number;
}

const hex = (bytes: Uint8Array): string => Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');

/** Stamps payloads into events once: the same ids and times are re-applied on every retry. */
export function makeEvents(ctx: IncidentContext, payloads: readonly EventPayload[]): IncidentEvent[] {
  const at = ctx.clock.now().toISOString();
  return payloads.map((payload) => ({ id: hex(ctx.random(8)), at, actor: ctx.actor, ...payload }));
}

export async function declareIncident(ctx: IncidentContext, input: DeclareInput, options: ChangeOptions = {}): Promise<IncidentResult<IncidentOutcome>> {
  const plan = planDeclare(input);
  if (!plan.ok) return refuse('input', plan);
  const events = makeEvents(ctx, plan.value.payloads);
  for (let attempt = 1; attempt <= 8; attempt++) {
    const id = newIncidentId(ctx.clock.now(), ctx.random(2));
    const view = foldIncident(id, events);
    if (!view.ok) return refuse('input', view);
    const written = await ctx.store.create(id, events);
    if (written.ok) {
      return succeed(ctx, 'incident.declare', { incident: view.value, events, version: written.version, notices: plan.value.notices, published: [], attempts: attempt }, options);
    }
  }
  return refuse('conflict', { ok: false, reason: `Could not find a free incident id in ${ctx.store.location} after 8 tries.` });
}

export async function updateIncident(ctx: IncidentContext, ref: string | undefined, input: UpdateInput, options: ChangeOptions = {}): Promise<IncidentResult<IncidentOutcome>> {
  return change(ctx, ref, 'incident.update', (current) => planUpdate(current, input, ctx.clock.now()), options, { prefer: input.reopen ? 'resolved' : 'open', operation: 'incident.update' });
}

export async function resolveIncident(ctx: IncidentContext, ref: string | undefined, input: ResolveInput, options: ChangeOptions = {}): Promise<IncidentResult<IncidentOutcome>> {
  return change(ctx, ref, 'incident.resolve', (current) => planResolve(current, input), options, { operation: 'incident.resolve' });
}

/**
 * Records what the tool did (a hotfix branch, a deploy step, a gate verdict, a rollback) on an
 * incident, as the deploy and hotfix engines will.
 */
export async function recordIncidentEvents(ctx: IncidentContext, id: string, payloads: readonly EventPayload[], options: ChangeOptions = {}): Promise<IncidentResult<IncidentOutcome>> {
  return change(ctx, id, 'incident.record', () => ({ ok: true, value: { payloads, notices: [] } }), options, {});
}

/**
 * Renders the post-mortem draft of an incident (by default the only open one, else the most
 * recently resolved), hands it to `save` (a file, an editor) and records that it was drafted.
 */
export async function draftPostmortem(
  ctx: IncidentContext,
  ref: string | undefined,
  save: (markdown: string, incident: Incident) => Promise<string | undefined>,
): Promise<IncidentResult<{ markdown: string; file?: string; outcome: IncidentOutcome }>> {
  const picked = await pickIncident(ctx, ref, { prefer: 'open-else-resolved', operation: 'incident.postmortem' });
  if (!picked.ok) return picked;
  const markdown = postmortem(picked.value.incident, { now: ctx.clock.now(), ...(ctx.severities ? { severities: ctx.severities } : {}) });
  const file = await save(markdown, picked.value.incident);
  const recorded = await change(ctx, picked.value.incident.id, 'incident.postmortem', () => ({ ok: true, value: { payloads: [{ type: 'postmortem-drafted', ...(file !== undefined ? { file } : {}) }], notices: [] } }), {}, {});
  if (!recorded.ok) return recorded;
  return { ok: true, value: { markdown, ...(file !== undefined ? { file } : {}), outcome: recorded.value } };
}

async function change(
  ctx: IncidentContext,
  ref: string | undefined,
  action: string,
  plan: (current: Incident) => { ok: true; value: Plan } | Failed,
  options: ChangeOptions,
  pick: PickOptions,
): Promise<IncidentResult<IncidentOutcome>> {
  const picked = await pickIncident(ctx, ref, pick);
  if (!picked.ok) return picked;
  const planned = plan(picked.value.incident);
  if (!planned.ok) return refuse('input', planned);
  if (planned.value.payloads.length === 0) {
    const { incident, version } = picked.value;
    return { ok: true, value: { incident, events: [], version, notices: planned.value.notices, published: [], attempts: 0 } };
  }
  const events = makeEvents(ctx, planned.value.payloads);
  const appended = await appendEvents(ctx, picked.value.incident.id, events);
  if (!appended.ok) return appended;
  const verb = events.some((e) => e.type === 'reopened') ? 'incident.reopen' : action;
  return succeed(ctx, verb, { ...appended.value, events, notices: planned.value.notices, published: [] }, options);
}

/**
 * Appends events with optimistic concurrency: read, fold, apply (the refusal comes back as a value),
 * compare-and-swap; when another writer got there first, re-read and re-apply the same events. Two
 * responders writing at once both land, in some order, and neither loses an event.
 */
export async function appendEvents(
  ctx: IncidentContext,
  id: string,
  events: readonly IncidentEvent[],
): Promise<IncidentResult<{ incident: Incident; previous: Incident; version: string; attempts: number }>> {
  const attempts = ctx.attempts ?? 50;
  let first: Incident | undefined;
  for (let attempt = 1; attempt <= attempts; attempt++) {
    const read = await readIncident(ctx, id);
    if (!read.ok) return read;
    const { incident: current, version } = read.value;
    first ??= current;
    if (events[0] && current.events.some((e) => e.id === events[0]?.id)) {
      // A write reported as failed had landed (a timeout after the server applied it): done.
      return { ok: true, value: { incident: current, previous: current, version, attempts: attempt } };
    }
    const applied = applyEvents(current, events);
    if (!applied.ok) {
      const meanwhile = current.events.length > first.events.length ? current.events[current.events.length - 1] : undefined;
      return refuse('state', meanwhile ? { ...applied, reason: `${applied.reason} (${meanwhile.actor} changed ${id} at ${meanwhile.at} meanwhile)` } : applied);
    }
    const written = await ctx.store.append(id, version, events);
    if (written.ok) return { ok: true, value: { incident: applied.value, previous: current, version: written.version, attempts: attempt } };
    if (written.conflict === 'missing') return refuse('not-found', { ok: false, reason: `${id} disappeared from ${ctx.store.location}.` });
    // Jittered backoff, so two writers that collided do not collide again in lockstep.
    const jitter = (ctx.random(1)[0] ?? 0) / 255;
    await ctx.clock.sleep(Math.round(Math.min(100, 2 ** Math.min(attempt, 7)) * jitter));
  }
  return refuse('conflict', { ok: false, reason: `${id} kept changing while this update was written (${attempts} tries); nothing of it was recorded.`, hint: 'Run the same command again.' });
}

async function succeed(ctx: IncidentContext, action: string, outcome: IncidentOutcome, options: ChangeOptions): Promise<IncidentResult<IncidentOutcome>> {
  const { incident, previous, events } = outcome;
  await ctx.audit.append({
    at: ctx.clock.now().toISOString(),
    actor: ctx.actor,
    action,
    subject: incident.id,
    ...(previous ? { before: previous.status } : {}),
    after: incident.status,
    details: {
      incident: incident.id,
      severity: incident.severity,
      events: events.map((e) => e.type).join(','),
      eventIds: events.map((e) => e.id).join(','),
      version: outcome.version,
      broadcast: options.broadcast === true,
    },
  });
  // Every sink at once, reports in the sinks' order: the wait is the slowest channel's (each bounded
  // by its own deadline), not the sum of them all.
  const told = { incident, ...(previous ? { previous } : {}), events, broadcast: options.broadcast === true };
  const reports = await Promise.all(
    (ctx.sinks ?? []).map(async (sink): Promise<readonly SinkReport[]> => {
      try {
        return await sink.publish(told);
      } catch (error) {
        return [{ channel: sink.name, ok: false, detail: error instanceof Error ? error.message : String(error) }];
      }
    }),
  );
  return { ok: true, value: { ...outcome, published: reports.flat() } };
}
