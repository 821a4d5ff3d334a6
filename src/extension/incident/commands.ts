// Palette and tree flows for incidents: Declare…, Update…, Resolve…, Draft Post-Mortem, and opening an
// incident's summary. Each asks (prompts.ts), calls the engine, refreshes the status bar and the view
// before it returns, and shows a refusal with the engine's reason and hint. Every command also
// takes an options object (a test, another extension, a tree node) and returns its outcome.

import * as vscode from 'vscode';
import type { OpenIncidents } from '../../adapters/incident-workspace';
import type { IncidentOutcome } from '../../core/incident/engine';
import type { IncidentFailed } from '../../core/incident/failures';
import { isOpen, type Incident } from '../../core/incident/model';
import type { Repositories } from '../repositories';
import { pickRepository, showFailure } from '../ui';
import { argsOf, askBroadcast, askDeclare, askResolve, askUpdate, chooseIncident, scripted, type DeclareArgs, type ResolveArgs, type UpdateArgs } from './prompts';
import type { IncidentService } from './service';
import type { IncidentStatusBar } from './status-bar';
import type { ResolveGitopsArgs } from './resolve-gitops';

export interface IncidentCommandDeps {
  readonly repositories: Repositories;
  readonly incidents: IncidentService;
  readonly statusBar: IncidentStatusBar;
  readonly log: vscode.LogOutputChannel;
}

export type IncidentCommandResult<T = IncidentOutcome> =
  | { readonly ok: true; readonly value: T }
  | { readonly ok: false; readonly reason: string; readonly hint?: string; readonly kind?: IncidentFailed['kind'] };

const cancelled = { ok: false as const, reason: 'cancelled' };

async function openRepo(deps: IncidentCommandDeps, arg: unknown): Promise<OpenIncidents | undefined> {
  const root = await pickRepository(deps.repositories, arg);
  if (root === undefined) return undefined;
  const opened = await deps.incidents.open(root);
  if (!opened.ok) {
    void showFailure(deps.log, opened.reason, opened.hint);
    return undefined;
  }
  return opened.value;
}

/** The incidents of a repository as last loaded. */
async function incidentsOf(deps: IncidentCommandDeps, root: string): Promise<readonly Incident[]> {
  return (await deps.incidents.all()).find((r) => r.root === root)?.incidents ?? [];
}

/**
 * The incident meant: the one named, else the only candidate, else the one the person picks (the
 * engine refuses an ambiguous scripted call with the names of the open ones).
 */
async function whichIncident(deps: IncidentCommandDeps, root: string, id: string | undefined, interactive: boolean, verb: string, withResolved = false): Promise<{ id?: string; incident?: Incident } | undefined> {
  const all = await incidentsOf(deps, root);
  if (id !== undefined) {
    const named = all.find((i) => i.id === id);
    return named ? { id, incident: named } : { id };
  }
  const open = all.filter(isOpen);
  if (open.length === 1 && open[0]) return { id: open[0].id, incident: open[0] };
  const candidates = withResolved ? [...open, ...all.filter((i) => !isOpen(i)).slice(0, 5)] : open;
  if (!interactive || candidates.length === 0 || (open.length === 0 && withResolved)) return {};
  const chosen = await chooseIncident(candidates, verb);
  return chosen ? { id: chosen.id, incident: chosen } : undefined;
}

/** Whether the change goes to the notification channels: as given, else asked when any is on. */
async function broadcastFor(root: string, given: boolean | undefined, interactive: boolean, verb: string): Promise<boolean | undefined> {
  if (given !== undefined || !interactive) return given === true;
  const { readConfigFile } = await import('../../adapters/config-file.js');
  const { enabledChannels } = await import('../../adapters/notify/sinks.js');
  const config = await readConfigFile(root);
  return askBroadcast(given, interactive, config.ok ? enabledChannels(config.value.notifications) : [], verb);
}

function refused(deps: IncidentCommandDeps, failure: IncidentFailed | { reason: string; hint?: string }): IncidentCommandResult<never> {
  void showFailure(deps.log, failure.reason, failure.hint);
  return { ok: false, reason: failure.reason, ...(failure.hint !== undefined ? { hint: failure.hint } : {}), ...('kind' in failure ? { kind: failure.kind } : {}) };
}

/** The status bar and the view show the change before the command returns. */
async function changed(deps: IncidentCommandDeps, outcome: IncidentOutcome, message: string): Promise<IncidentCommandResult> {
  deps.incidents.invalidate();
  await deps.statusBar.refresh();
  deps.log.info(`${message} (${outcome.events.map((e) => e.type).join(', ') || 'no change'})`);
  for (const notice of outcome.notices) deps.log.info(`  ${notice}`);
  // Details are scrubbed of secrets by the sender: a scheme and host, a status.
  for (const p of outcome.published) deps.log.info(`  ${p.channel}: ${p.ok ? 'sent' : 'FAILED'}: ${p.detail}`);
  const failed = outcome.published.filter((p) => !p.ok);
  void vscode.window.showInformationMessage([message, ...outcome.notices, ...failed.map((p) => `${p.channel} was not notified: ${p.detail}`)].join(' '));
  return { ok: true, value: outcome };
}

export async function declareIncidentCommand(deps: IncidentCommandDeps, arg?: unknown): Promise<IncidentCommandResult> {
  const opened = await openRepo(deps, arg);
  if (!opened) return cancelled;
  const args = argsOf<DeclareArgs>(arg);
  const input = await askDeclare(args, opened.context.severities);
  if (!input) return cancelled;
  const broadcast = await broadcastFor(opened.location.root, args.broadcast, !scripted(args, ['severity', 'title', 'impact', 'commander']), 'Declare Incident');
  if (broadcast === undefined) return cancelled;
  const { declareIncident } = await import('../../core/incident/engine.js');
  const result = await declareIncident(opened.context, input, { broadcast });
  if (!result.ok) return refused(deps, result);
  const i = result.value.incident;
  return changed(deps, result.value, `Declared ${i.id}: ${i.severity} "${i.title}", investigating.`);
}

export async function updateIncidentCommand(deps: IncidentCommandDeps, arg?: unknown): Promise<IncidentCommandResult> {
  const opened = await openRepo(deps, arg);
  if (!opened) return cancelled;
  const args = argsOf<UpdateArgs>(arg);
  const interactive = !scripted(args, ['status', 'eta', 'note']);
  const which = await whichIncident(deps, opened.location.root, args.id, interactive, 'Update');
  if (!which) return cancelled;
  const asked = await askUpdate(args, which.incident);
  if (!asked) return cancelled;
  const { updateIncident } = await import('../../core/incident/engine.js');
  const input = { ...(asked.status !== undefined ? { status: asked.status } : {}), ...(asked.eta !== undefined ? { eta: asked.eta } : {}), ...(asked.note !== undefined ? { note: asked.note } : {}) };
  const broadcast = await broadcastFor(opened.location.root, args.broadcast, interactive, 'Update Incident');
  if (broadcast === undefined) return cancelled;
  const result = await updateIncident(opened.context, which.id, input, { broadcast });
  if (!result.ok) return refused(deps, result);
  const i = result.value.incident;
  return changed(deps, result.value, result.value.events.length > 0 ? `Updated ${i.id}: ${i.status}${i.eta ? `, ETA ${i.eta.text}` : ''}.` : `${i.id} is unchanged: ${i.status}.`);
}

export async function resolveIncidentCommand(deps: IncidentCommandDeps, arg?: unknown): Promise<IncidentCommandResult> {
  const opened = await openRepo(deps, arg);
  if (!opened) return cancelled;
  const args = argsOf<ResolveArgs>(arg);
  const interactive = !scripted(args, ['rootCause', 'actionItems', 'note']);
  const which = await whichIncident(deps, opened.location.root, args.id, interactive, 'Resolve');
  if (!which) return cancelled;
  const asked = await askResolve(args, which.incident);
  if (!asked) return cancelled;
  const { resolveIncident } = await import('../../core/incident/engine.js');
  const input = {
    ...(asked.rootCause !== undefined ? { rootCause: asked.rootCause } : {}),
    ...(asked.actionItems !== undefined ? { actionItems: asked.actionItems } : {}),
    ...(asked.note !== undefined ? { note: asked.note } : {}),
  };
  const broadcast = await broadcastFor(opened.location.root, args.broadcast, interactive, 'Resolve Incident');
  if (broadcast === undefined) return cancelled;
  // Auto-sync paused for this incident is restored first (or kept, as an action item): only for a resolution the engine will accept.
  const { planResolve } = await import('../../core/incident/plan.js');
  let resolution: typeof input = input;
  if (which.incident && isOpen(which.incident) && planResolve(which.incident, input).ok) {
    const { gitopsAtResolve } = await import('./resolve-gitops.js');
    const items = await gitopsAtResolve(deps.log, opened.location.root, which.incident, argsOf<ResolveGitopsArgs>(arg), interactive);
    if (items === undefined) return cancelled;
    if (items.length > 0) resolution = { ...input, actionItems: [input.actionItems ?? '', ...items].filter((a) => a.trim() !== '').join('; ') };
  }
  const result = await resolveIncident(opened.context, which.id, resolution, { broadcast });
  if (!result.ok) return refused(deps, result);
  const i = result.value.incident;
  return changed(deps, result.value, `Resolved ${i.id} "${i.title}". Draft the post-mortem with Hotfix: Draft Post-Mortem.`);
}

export interface DraftArgs {
  readonly root?: string;
  readonly id?: string;
  /** Open the draft in an editor (default true). */
  readonly show?: boolean;
}

export interface Drafted {
  readonly incident: string;
  readonly markdown: string;
  /** The untitled editor's document, when shown. */
  readonly uri?: string;
}

async function showMarkdown(markdown: string): Promise<vscode.TextDocument> {
  const document = await vscode.workspace.openTextDocument({ language: 'markdown', content: markdown });
  await vscode.window.showTextDocument(document, { preview: false });
  return document;
}

/** Drafts the post-mortem into an untitled Markdown editor, to save where the team keeps them. */
export async function draftPostmortemCommand(deps: IncidentCommandDeps, arg?: unknown): Promise<IncidentCommandResult<Drafted>> {
  const opened = await openRepo(deps, arg);
  if (!opened) return cancelled;
  const args = argsOf<DraftArgs>(arg);
  const which = await whichIncident(deps, opened.location.root, args.id, true, 'Draft the post-mortem of', true);
  if (!which) return cancelled;
  const { draftPostmortem } = await import('../../core/incident/engine.js');
  let uri: string | undefined;
  const result = await draftPostmortem(opened.context, which.id, async (markdown) => {
    if (args.show !== false) uri = (await showMarkdown(markdown)).uri.toString();
    return undefined; // untitled: no file until the person saves it
  });
  if (!result.ok) return refused(deps, result);
  deps.incidents.invalidate();
  await deps.statusBar.refresh();
  return { ok: true, value: { incident: result.value.outcome.incident.id, markdown: result.value.markdown, ...(uri !== undefined ? { uri } : {}) } };
}

/**
 * What clicking the status bar does, until the timeline panel exists: the incident's summary and
 * timeline (the post-mortem's facts) in an untitled Markdown editor. Nothing is recorded.
 */
export async function openIncidentCommand(deps: IncidentCommandDeps, arg?: unknown): Promise<IncidentCommandResult<Drafted>> {
  const root = await pickRepository(deps.repositories, arg);
  if (root === undefined) return cancelled;
  const args = argsOf<DraftArgs>(arg);
  const which = await whichIncident(deps, root, args.id, true, 'Open', true);
  if (!which) return cancelled;
  const { pickIncident } = await import('../../core/incident/query.js');
  const { postmortem } = await import('../../core/incident/postmortem.js');
  const location = deps.repositories.all.find((r) => r.root === root);
  if (!location) return refused(deps, { reason: `${root} is not an open git repository.` });
  const store = await deps.incidents.store(location);
  if (!store.ok) return refused(deps, store);
  const picked = await pickIncident({ store: store.value }, which.id, { prefer: 'open-else-resolved' });
  if (!picked.ok) return refused(deps, picked);
  const markdown = postmortem(picked.value.incident, { now: new Date() });
  const document = args.show === false ? undefined : await showMarkdown(markdown);
  return { ok: true, value: { incident: picked.value.incident.id, markdown, ...(document ? { uri: document.uri.toString() } : {}) } };
}
