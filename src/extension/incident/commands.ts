// Palette and tree flows for incidents: Declare…, Update…, Resolve…, Draft Post-Mortem, and opening an
// incident's summary. Each picks the repository and asks for its inputs (prompts.ts), calls the
// incident operation (src/app/incident*.ts) in the editor's environment, refreshes the status bar and
// the view before it returns, and shows the outcome: a refusal with its reason, hint and a button
// per remedy. Every command also takes an options object (a test, another extension, a tree node) and
// returns its outcome; a call that gives its inputs is answered without questions.

import * as vscode from 'vscode';
import type { Interaction } from '../../app/interaction';
import type { Changed, Refused } from '../../app/incident';
import type { FailureKind } from '../../core/result';
import { callerConfirmation } from '../command-args';
import { editorEnv, EditorInteraction } from '../compose';
import type { Repositories } from '../repositories';
import { isTrusted, showUntrusted, untrustedIncidentStore } from '../trust';
import { UNTRUSTED_GITOPS_RESTORE } from '../trust-gate';
import { pickRepository, showRefusal } from '../ui';
import type { NotificationSecrets } from './notify-secrets';
import { argsOf, askDeclare, askResolve, askUpdate, scripted, type DeclareArgs, type ResolveArgs, type UpdateArgs } from './prompts';
import type { IncidentService } from './service';
import type { IncidentStatusBar } from './status-bar';
import type { AppEnv } from '../../app/env';

export interface IncidentCommandDeps {
  readonly repositories: Repositories;
  readonly incidents: IncidentService;
  readonly statusBar: IncidentStatusBar;
  readonly log: vscode.LogOutputChannel;
  /** The channels' secrets in SecretStorage (created at activation); absent: the environment's only. */
  readonly secrets?: NotificationSecrets;
}

export type IncidentCommandResult<T = Changed['outcome']> =
  | { readonly ok: true; readonly value: T }
  | { readonly ok: false; readonly reason: string; readonly hint?: string; readonly kind?: FailureKind };

const cancelled = { ok: false as const, reason: 'cancelled' };

/** Keep auto-sync paused at the resolution instead of restoring it (tests, automation). */
export interface ResolveGitopsArgs {
  /** Keep auto-sync paused, saying why (an action item), instead of restoring it. */
  readonly keepGitopsPaused?: string;
  /** Restore even where git does not yet say what runs. */
  readonly restoreGitopsAnyway?: boolean;
}

/** A call that gave its inputs asks nothing more: no incident to pick, no channels or GitOps question. */
function answered(inner: Interaction): Interaction {
  return {
    interactive: false,
    ...(inner.signal ? { signal: inner.signal } : {}),
    confirm: (request) => inner.confirm(request),
    choose: () => Promise.resolve(undefined),
    ask: () => Promise.resolve(undefined),
    progress: (message) => inner.progress(message),
    note: (message) => inner.note(message),
    warn: (message) => inner.warn(message),
  };
}

interface Opened {
  readonly root: string;
  readonly env: AppEnv;
}

/**
 * The repository and the environment of one call, its incidents open (a cluster store only in a
 * trusted workspace); undefined when there is none or it cannot be opened (said already).
 */
async function open(deps: IncidentCommandDeps, arg: unknown, quiet: boolean): Promise<Opened | undefined> {
  const root = await pickRepository(deps.repositories, arg);
  if (root === undefined) return undefined;
  const untrusted = await untrustedIncidentStore(root);
  if (untrusted !== undefined) {
    void showUntrusted(deps.log, untrusted);
    return undefined;
  }
  const interaction = new EditorInteraction(deps.log, callerConfirmation(arg));
  const env = await editorEnv(deps, root, quiet ? answered(interaction) : interaction);
  const incidents = await env.incidents();
  if (!incidents.ok) {
    void showRefusal(deps.log, incidents, [], root);
    return undefined;
  }
  return { root, env };
}

function refused(deps: IncidentCommandDeps, outcome: Refused, root: string): IncidentCommandResult<never> {
  const { failed } = outcome;
  void showRefusal(deps.log, failed, [], root);
  return { ok: false, reason: failed.reason, ...(failed.hint !== undefined ? { hint: failed.hint } : {}), ...(failed.failure ? { kind: failed.failure } : {}) };
}

/** The status bar and the view show the change before the command returns. */
async function changed(deps: IncidentCommandDeps, { outcome }: Changed, message: string): Promise<IncidentCommandResult> {
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
  const args = argsOf<DeclareArgs>(arg);
  const quiet = scripted(args, ['severity', 'title', 'impact', 'commander']);
  const opened = await open(deps, arg, quiet);
  if (!opened) return cancelled;
  const incidents = await opened.env.incidents();
  const input = await askDeclare(args, incidents.ok ? incidents.value.context.severities : undefined);
  if (!input) return cancelled;
  const { declareIncident } = await import('../../app/incident.js');
  const declared = await declareIncident(opened.env, { input, ...(args.broadcast !== undefined ? { broadcast: args.broadcast } : {}) });
  if (declared.kind === 'cancelled') return cancelled;
  if (declared.kind === 'refused') return refused(deps, declared, opened.root);
  const i = declared.outcome.incident;
  return changed(deps, declared, `Declared ${i.id}: ${i.severity} "${i.title}", investigating.`);
}

export async function updateIncidentCommand(deps: IncidentCommandDeps, arg?: unknown): Promise<IncidentCommandResult> {
  const args = argsOf<UpdateArgs>(arg);
  const quiet = scripted(args, ['status', 'eta', 'note']);
  const opened = await open(deps, arg, quiet);
  if (!opened) return cancelled;
  const { whichIncident, updateIncident } = await import('../../app/incident.js');
  const which = await whichIncident(opened.env, { ...(args.id !== undefined ? { incident: args.id } : {}), prefer: args.reopen === true ? 'resolved' : 'open', operation: 'incident.update', question: 'Update which incident?' });
  if (which.kind === 'cancelled') return cancelled;
  if (which.kind === 'refused') return refused(deps, which, opened.root);
  const asked = await askUpdate(args, which.incident);
  if (!asked) return cancelled;
  const input = {
    ...(asked.status !== undefined ? { status: asked.status } : {}),
    ...(asked.eta !== undefined ? { eta: asked.eta } : {}),
    ...(asked.note !== undefined ? { note: asked.note } : {}),
    ...(args.reopen === true ? { reopen: true } : {}),
  };
  const updated = await updateIncident(opened.env, { incident: which.incident.id, input, ...(args.broadcast !== undefined ? { broadcast: args.broadcast } : {}) });
  if (updated.kind === 'cancelled') return cancelled;
  if (updated.kind === 'refused') return refused(deps, updated, opened.root);
  const i = updated.outcome.incident;
  return changed(deps, updated, updated.outcome.events.length > 0 ? `Updated ${i.id}: ${i.status}${i.eta ? `, ETA ${i.eta.text}` : ''}.` : `${i.id} is unchanged: ${i.status}.`);
}

export async function resolveIncidentCommand(deps: IncidentCommandDeps, arg?: unknown): Promise<IncidentCommandResult> {
  const args = argsOf<ResolveArgs & ResolveGitopsArgs>(arg);
  const quiet = scripted(args, ['rootCause', 'actionItems', 'note']);
  const opened = await open(deps, arg, quiet);
  if (!opened) return cancelled;
  const { whichIncident, resolveIncident } = await import('../../app/incident.js');
  const which = await whichIncident(opened.env, { ...(args.id !== undefined ? { incident: args.id } : {}), operation: 'incident.resolve', question: 'Resolve which incident?' });
  if (which.kind === 'cancelled') return cancelled;
  if (which.kind === 'refused') return refused(deps, which, opened.root);
  const asked = await askResolve(args, which.incident);
  if (!asked) return cancelled;
  // Restoring the auto-sync it paused is a cluster call; keeping it paused unasked would hide it. Resolve once trusted.
  const { pausedInTimeline } = await import('../../core/gitops/guard.js');
  if (!isTrusted() && pausedInTimeline(which.incident.events).length > 0) {
    void showUntrusted(deps.log, UNTRUSTED_GITOPS_RESTORE);
    return cancelled;
  }
  const input = {
    ...(asked.rootCause !== undefined ? { rootCause: asked.rootCause } : {}),
    ...(asked.actionItems !== undefined ? { actionItems: asked.actionItems } : {}),
    ...(asked.note !== undefined ? { note: asked.note } : {}),
  };
  const resolved = await resolveIncident(opened.env, {
    incident: which.incident.id,
    input,
    ...(args.broadcast !== undefined ? { broadcast: args.broadcast } : {}),
    ...(args.keepGitopsPaused !== undefined ? { keepGitopsPaused: args.keepGitopsPaused.trim() } : {}),
    ...(args.restoreGitopsAnyway === true ? { restoreGitopsAnyway: true } : {}),
  });
  if (resolved.kind === 'cancelled') return cancelled;
  if (resolved.kind === 'refused') return refused(deps, resolved, opened.root);
  const { gitops } = resolved;
  if (gitops) {
    for (const line of gitops.lines) deps.log.info(line);
    if (gitops.kept.length > 0) void vscode.window.showWarningMessage(`Auto-sync stays paused for ${gitops.kept.map((k) => k.object).join(', ')}: ${gitops.kept[0]?.why ?? ''}. Its restore is an action item of the resolution.`);
    for (const link of gitops.links) if (link.note) deps.log.info(`the incident timeline was not updated: ${link.note}`);
  }
  const i = resolved.outcome.incident;
  return changed(deps, resolved, `Resolved ${i.id} "${i.title}". Draft the post-mortem with Hotfix: Draft Post-Mortem.`);
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
  const opened = await open(deps, arg, false);
  if (!opened) return cancelled;
  const args = argsOf<DraftArgs>(arg);
  const { draftPostmortem } = await import('../../app/incident-read.js');
  // No file: untitled until the person saves it.
  const drafted = await draftPostmortem(opened.env, args.id !== undefined ? { incident: args.id } : {});
  if (drafted.kind === 'cancelled') return cancelled;
  if (drafted.kind === 'refused') return refused(deps, drafted, opened.root);
  const uri = args.show !== false ? (await showMarkdown(drafted.markdown)).uri.toString() : undefined;
  deps.incidents.invalidate();
  await deps.statusBar.refresh();
  return { ok: true, value: { incident: drafted.incident, markdown: drafted.markdown, ...(uri !== undefined ? { uri } : {}) } };
}

/**
 * What clicking the status bar does, until the timeline panel exists: the incident's summary and
 * timeline (the post-mortem's facts) in an untitled Markdown editor. Nothing is recorded.
 */
export async function openIncidentCommand(deps: IncidentCommandDeps, arg?: unknown): Promise<IncidentCommandResult<Drafted>> {
  const opened = await open(deps, arg, false);
  if (!opened) return cancelled;
  const args = argsOf<DraftArgs>(arg);
  const { showIncident } = await import('../../app/incident-read.js');
  const shown = await showIncident(opened.env, args.id !== undefined ? { incident: args.id } : {});
  if (shown.kind === 'cancelled') return cancelled;
  if (shown.kind === 'refused') return refused(deps, shown, opened.root);
  const { postmortem } = await import('../../core/incident/postmortem.js');
  const markdown = postmortem(shown.incident, { now: shown.now });
  const document = args.show === false ? undefined : await showMarkdown(markdown);
  return { ok: true, value: { incident: shown.incident.id, markdown, ...(document ? { uri: document.uri.toString() } : {}) } };
}
