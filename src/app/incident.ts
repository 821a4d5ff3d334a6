// The incident operations, once for every front end: which incident a command means, declare, update
// and resolve (with the GitOps restore a resolution owes). Each opens the incidents through the
// operation's environment (the store the configuration chooses, through the kubeconfig the person
// chose; the notification channels with the environment's secrets) and asks the person through the
// Interaction: which incident when several are open, whether to notify the channels, whether to keep
// auto-sync paused. Outcomes are typed; the front ends word them.

import type { OpenIncidents } from '../adapters/incident-workspace';
import { enabledChannels } from './notify-sinks';
import { formatDuration, plainText } from '../core/incident/describe';
import * as engine from '../core/incident/engine';
import type { IncidentOutcome } from '../core/incident/engine';
import type { IncidentFailed } from '../core/incident/failures';
import { DEFAULT_SEVERITY_DESCRIPTIONS, isOpen, type Incident } from '../core/incident/model';
import { planResolve, type DeclareInput, type ResolveInput, type UpdateInput } from '../core/incident/plan';
import type { IncidentContext, SinkReport } from '../core/incident/ports';
import { bySeverity, listIncidents, pickIncident, type PickOptions } from '../core/incident/query';
import { pausedInTimeline } from '../core/gitops/guard';
import type { OperationName, Remedy } from '../core/remedy';
import type { Failed, Result } from '../core/result';
import type { AppEnv } from './env';
import { restoreForIncident, type IncidentRestore } from './incident-gitops';
import { CANCELLED, isRefused, refusedWith, type Cancelled, type Refused } from './narrate';

export type { Cancelled, Refused };

/** An engine refusal (its kind is the failure's kind) as an operation's outcome. */
export function incidentRefused(failure: IncidentFailed | Failed): Refused {
  return refusedWith({ ...failure, ...('kind' in failure ? { failure: failure.kind } : {}) });
}

/**
 * What became of a change's broadcast: not asked for; asked for and nothing to send (no channel is
 * configured, or the change changed nothing); or each channel's report.
 */
export type Broadcast =
  | { readonly requested: false }
  | { readonly requested: true; readonly sent: false; readonly why: 'no-channels' | 'nothing-changed' }
  | { readonly requested: true; readonly sent: boolean; readonly channels: readonly SinkReport[] };

/** A change recorded: the engine's outcome (events, notices, what each channel said) and the broadcast. */
export interface Changed {
  readonly kind: 'changed';
  readonly outcome: IncidentOutcome;
  readonly broadcast: Broadcast;
}

export type ChangeOutcome = Changed | Refused | Cancelled;

/** The incidents of the operation's repository, or the refusal of why not. */
async function opened(env: AppEnv): Promise<OpenIncidents | Refused> {
  const result: Result<OpenIncidents> = await env.incidents();
  return result.ok ? result.value : incidentRefused(result);
}

// ---------------------------------------------------------------------------------------------
// Which incident

export interface WhichRequest {
  /** As the person named it: `INC-20261127-3F2A` or its end (`3F2A`); undefined: the only candidate, else asked. */
  readonly incident?: string;
  /** Without a name: the only open one (default), else the most recently resolved too (show, post-mortem). */
  readonly prefer?: PickOptions['prefer'];
  /** The operation that needs it, for the remedies of a refusal. */
  readonly operation: OperationName;
  /** The question, when several could be meant: "Update which incident?". */
  readonly question: string;
}

export type Which = { readonly kind: 'picked'; readonly incident: Incident; readonly version: string } | Refused | Cancelled;

function ageOf(incident: Incident, now: Date): string {
  return isOpen(incident) ? `open ${formatDuration(now.getTime() - Date.parse(incident.declaredAt))}` : `resolved ${formatDuration(now.getTime() - Date.parse(incident.resolvedAt ?? incident.updatedAt))} ago`;
}

async function pick(env: AppEnv, ctx: IncidentContext, request: WhichRequest): Promise<Which> {
  const prefer = request.prefer ?? 'open';
  const picked = await pickIncident(ctx, request.incident, { prefer, operation: request.operation });
  if (picked.ok) return { kind: 'picked', incident: picked.value.incident, version: picked.value.version };
  // Several open and none named: the person picks (nothing is guessed); with nobody to ask, refused with each as a remedy.
  if (picked.kind !== 'ambiguous' || request.incident !== undefined || !env.interaction.interactive) return incidentRefused(picked);
  const { incidents } = await listIncidents(ctx);
  const candidates = [...incidents.filter(isOpen).sort(bySeverity), ...(prefer === 'open' ? [] : incidents.filter((i) => !isOpen(i)).slice(0, 5))];
  if (candidates.length === 0) return incidentRefused(picked);
  const now = ctx.clock.now();
  const chosen = await env.interaction.choose({
    subject: 'incident',
    title: request.question,
    choices: candidates.map((i) => ({ label: `${i.severity} ${plainText.text(i.title)}`, detail: `${i.id} · ${i.status} · ${ageOf(i, now)}`, value: i.id })),
  });
  if (chosen === undefined) return CANCELLED;
  const read = await pickIncident(ctx, chosen);
  return read.ok ? { kind: 'picked', incident: read.value.incident, version: read.value.version } : incidentRefused(read);
}

/** The incident a command means: the one named, the only candidate, or the one the person picks. */
export async function whichIncident(env: AppEnv, request: WhichRequest): Promise<Which> {
  const open = await opened(env);
  if (isRefused(open)) return open;
  return pick(env, open.context, request);
}

// ---------------------------------------------------------------------------------------------
// Notifying the channels

/** What a change is, for the question whether to notify. */
type ChangeWord = 'declaration' | 'update' | 'resolution';

/**
 * Whether the change goes to the notification channels: as the person said; else asked when a person
 * can be asked and the configuration turns any channel on; else not. Undefined: cancelled.
 */
async function wantsBroadcast(env: AppEnv, open: OpenIncidents, given: boolean | undefined, what: ChangeWord): Promise<boolean | undefined> {
  if (given !== undefined) return given;
  if (!env.interaction.interactive) return false;
  const config = await env.readConfig(open.location.root);
  const channels = config.ok ? enabledChannels(config.value.notifications) : [];
  if (channels.length === 0) return false;
  return env.interaction.choose({
    subject: 'broadcast',
    title: `Notify the channels of this ${what}?`,
    choices: [
      { label: `Notify ${channels.join(', ')}`, detail: 'send this change to the channels', value: true },
      { label: 'Record only', detail: 'the timeline changes; nobody is notified', value: false },
    ],
  });
}

function broadcastOf(ctx: IncidentContext, outcome: IncidentOutcome, requested: boolean, declared = false): Broadcast {
  if (!requested) return { requested: false };
  if (!declared && outcome.events.length === 0) return { requested: true, sent: false, why: 'nothing-changed' };
  if ((ctx.sinks ?? []).length === 0) return { requested: true, sent: false, why: 'no-channels' };
  return { requested: true, sent: outcome.published.some((p) => p.ok), channels: outcome.published };
}

// ---------------------------------------------------------------------------------------------
// Declare, update, resolve

export interface DeclareRequest {
  readonly input: DeclareInput;
  /** Send it to every configured channel; undefined: asked (when channels are on and a person can be asked). */
  readonly broadcast?: boolean;
}

export type DeclareOutcome = (Changed & { readonly meaning: string }) | Refused | Cancelled;

export async function declareIncident(env: AppEnv, request: DeclareRequest): Promise<DeclareOutcome> {
  const open = await opened(env);
  if (isRefused(open)) return open;
  const broadcast = await wantsBroadcast(env, open, request.broadcast, 'declaration');
  if (broadcast === undefined) return CANCELLED;
  const ctx = open.context;
  const result = await engine.declareIncident(ctx, request.input, { broadcast });
  if (!result.ok) return incidentRefused(result);
  const meaning = (ctx.severities ?? DEFAULT_SEVERITY_DESCRIPTIONS)[result.value.incident.severity];
  return { kind: 'changed', outcome: result.value, broadcast: broadcastOf(ctx, result.value, broadcast, true), meaning };
}

export interface UpdateRequest {
  /** The incident as named; undefined: the only open one (the most recently resolved to reopen), else asked. */
  readonly incident?: string;
  readonly input: UpdateInput;
  readonly broadcast?: boolean;
}

export async function updateIncident(env: AppEnv, request: UpdateRequest): Promise<ChangeOutcome> {
  const open = await opened(env);
  if (isRefused(open)) return open;
  const ctx = open.context;
  const which = await pick(env, ctx, { ...(request.incident !== undefined ? { incident: request.incident } : {}), prefer: request.input.reopen ? 'resolved' : 'open', operation: 'incident.update', question: 'Update which incident?' });
  if (which.kind !== 'picked') return which;
  const broadcast = await wantsBroadcast(env, open, request.broadcast, 'update');
  if (broadcast === undefined) return CANCELLED;
  const result = await engine.updateIncident(ctx, which.incident.id, request.input, { broadcast });
  if (!result.ok) return incidentRefused(result);
  return { kind: 'changed', outcome: result.value, broadcast: broadcastOf(ctx, result.value, broadcast) };
}

export interface ResolveRequest {
  readonly incident?: string;
  readonly input: ResolveInput;
  readonly broadcast?: boolean;
  /** Keep auto-sync paused for the incident, saying why (an action item each); undefined: restored, or asked. */
  readonly keepGitopsPaused?: string;
  /** Restore even where git does not yet say what runs. */
  readonly restoreGitopsAnyway?: boolean;
  /** How this front end words the restore of a target in an action item (its rendering of the remedy). */
  readonly restoreWords?: (remedy: Remedy) => string;
}

/** A resolution, with what became of the auto-sync paused for the incident (when any was). */
export type ResolveOutcome = (Changed & { readonly gitops?: IncidentRestore }) | Refused | Cancelled;

/**
 * Whether to keep the incident's paused objects paused, and why: as given; else asked (restore, or keep
 * with a reason) when a person can be asked; else restored. Undefined: cancelled.
 */
async function keepPaused(env: AppEnv, incident: Incident, given: string | undefined): Promise<{ keep?: string } | undefined> {
  if (given !== undefined || !env.interaction.interactive) return given !== undefined ? { keep: given } : {};
  const objects = pausedInTimeline(incident.events).map((p) => p.object).join(', ');
  const choice = await env.interaction.choose({
    subject: 'gitops',
    title: `Resolving ${incident.id} restores GitOps auto-sync of ${objects}.`,
    choices: [
      {
        label: 'Restore Auto-Sync and Resolve',
        detail: 'the controller then applies what git says; where gitops.manifests is set and git does not say what runs yet, the object stays paused and its restore becomes an action item (merge the manifests change first)',
        value: 'restore' as const,
      },
      { label: 'Keep Paused and Resolve…', detail: 'auto-sync stays paused; its restore becomes an action item of the resolution', value: 'keep' as const },
    ],
  });
  if (choice === undefined) return undefined;
  if (choice === 'restore') return {};
  const why = await env.interaction.ask({ subject: 'text', title: `keep auto-sync of ${objects} paused`, prompt: 'Why it stays paused (goes into the action item)' });
  return why === undefined ? undefined : { keep: why.trim() };
}

export async function resolveIncident(env: AppEnv, request: ResolveRequest): Promise<ResolveOutcome> {
  const open = await opened(env);
  if (isRefused(open)) return open;
  const ctx = open.context;
  const which = await pick(env, ctx, { ...(request.incident !== undefined ? { incident: request.incident } : {}), operation: 'incident.resolve', question: 'Resolve which incident?' });
  if (which.kind !== 'picked') return which;
  const { incident } = which;
  const broadcast = await wantsBroadcast(env, open, request.broadcast, 'resolution');
  if (broadcast === undefined) return CANCELLED;
  let input = request.input;
  let gitops: IncidentRestore | undefined;
  // Auto-sync paused for this incident is restored first (or kept, as action items): only for a resolution the engine will accept.
  if (isOpen(incident) && planResolve(incident, input).ok && pausedInTimeline(incident.events).length > 0) {
    const kept = await keepPaused(env, incident, request.keepGitopsPaused);
    if (kept === undefined) return CANCELLED;
    gitops = await restoreForIncident(env, incident.id, {
      ...(kept.keep !== undefined ? { keep: kept.keep } : {}),
      ...(request.restoreGitopsAnyway === true ? { force: true } : {}),
      ...(request.restoreWords ? { restoreWords: request.restoreWords } : {}),
    });
    if (gitops.actionItems.length > 0) input = { ...input, actionItems: [input.actionItems ?? '', ...gitops.actionItems].filter((a) => a.trim() !== '').join('; ') };
  }
  const result = await engine.resolveIncident(ctx, incident.id, input, { broadcast });
  if (!result.ok) return incidentRefused(result);
  return { kind: 'changed', outcome: result.value, broadcast: broadcastOf(ctx, result.value, broadcast), ...(gitops ? { gitops } : {}) };
}
