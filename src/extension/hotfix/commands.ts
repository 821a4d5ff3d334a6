// Palette and tree flows for hotfix branches: create (issue key, title, base, severity), finish,
// continue, abort, open the issue. Each flow asks, runs the engine under a progress notification,
// and shows the outcome with the actions that help. Every command also takes an options object
// (from a tree item, another extension or a test) and returns what happened.

import * as vscode from 'vscode';
import type { OpenWorkspace } from '../../adapters/workspace';
import type { CreateInput } from '../../core/hotfix/create';
import type { FinishOutcome } from '../../core/hotfix/finish';
import type { HotfixRecord } from '../../core/hotfix/records';
import { showUntrusted, untrustedIncidentStore } from '../trust';
import { pickRepository, showFailure } from '../ui';
import type { Repositories } from '../repositories';
import type { HotfixService } from './service';
import { askCreateInput, type CreateArgs } from './create-input';

export interface HotfixCommandDeps {
  readonly repositories: Repositories;
  readonly service: HotfixService;
  readonly log: vscode.LogOutputChannel;
}

export type CommandResult<T = unknown> = { readonly ok: true; readonly value: T } | { readonly ok: false; readonly reason: string };

const cancelled: CommandResult<never> = { ok: false, reason: 'cancelled' };

/** Arguments from a test or another extension; a tree node (a class instance) carries only its root. */
function createArgs(arg: unknown): CreateArgs {
  return typeof arg === 'object' && arg !== null ? arg : {};
}

async function openRepo(deps: HotfixCommandDeps, arg: unknown): Promise<OpenWorkspace | undefined> {
  const root = await pickRepository(deps.repositories, arg);
  if (root === undefined) {
    return undefined;
  }
  // Creating and finishing record into the open incident: on the cluster, if the config keeps them there.
  const untrusted = await untrustedIncidentStore(root);
  if (untrusted !== undefined) {
    void showUntrusted(deps.log, untrusted);
    return undefined;
  }
  const opened = await deps.service.open(root);
  if (!opened.ok) {
    const configUri = vscode.Uri.joinPath(vscode.Uri.file(root), '.hotfix', 'config.yaml');
    void showFailure(deps.log, opened.reason, opened.hint, [{ title: 'Open Config', run: () => vscode.window.showTextDocument(configUri) }]);
    return undefined;
  }
  return opened.value;
}

function withProgress<T>(title: string, deps: HotfixCommandDeps, task: (progress: (message: string) => void) => Promise<T>): Thenable<T> {
  return vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title, cancellable: false }, (report) =>
    task((message) => {
      deps.log.info(message);
      report.report({ message });
    }),
  );
}

export async function createHotfixCommand(deps: HotfixCommandDeps, arg?: unknown): Promise<CommandResult<HotfixRecord>> {
  const workspace = await openRepo(deps, arg);
  if (!workspace) return cancelled;
  const { context } = workspace;
  const input = await askCreateInput(context, createArgs(arg));
  if (!input) return cancelled;
  return runCreate(deps, workspace, input, createArgs(arg).stash);
}

/** Creates the branch (offering to stash a dirty tree), records it in the open incident, and says so. */
export async function runCreate(deps: HotfixCommandDeps, workspace: OpenWorkspace, input: CreateInput, stashGiven: boolean | undefined): Promise<CommandResult<HotfixRecord>> {
  const { context } = workspace;
  const { createHotfix } = await import('../../core/hotfix/create.js');
  const run = () => withProgress(`Hotfix: creating a branch for ${input.issue}`, deps, (progress) => createHotfix(context, input, progress));
  let result = await run();
  if (!result.ok && 'dirtyFiles' in result) {
    const stash = stashGiven ?? (await vscode.window.showWarningMessage(
      `${result.reason} Stash them and create the hotfix branch?`,
      { modal: true, detail: 'They are kept in a named stash (git stash list) to restore later with git stash pop.' },
      'Stash and Create',
    )) === 'Stash and Create';
    if (!stash) return { ok: false, reason: result.reason };
    const { stashForHotfix } = await import('../../core/hotfix/stash.js');
    const message = await stashForHotfix(context, input.issue);
    deps.log.info(`stashed: ${message}`);
    result = await run();
  }
  deps.service.invalidate();
  if (!result.ok) {
    void showFailure(deps.log, result.reason, result.hint);
    return { ok: false, reason: result.reason };
  }
  const created = result.value;
  const from = created.baseline.ref.startsWith('running:') ? `the commit ${created.baseline.ref.slice('running:'.length)} runs` : (created.baseline.tag ?? created.baseline.ref);
  deps.log.info(`created ${created.branch} from ${from} (${created.baseline.sha})`);
  // Into the open incident's timeline (the only open one; with several, the log says so).
  const { linkedIncident, recordInIncident } = await import('../../app/incident-link.js');
  const root = workspace.location.root;
  const link = await linkedIncident(root);
  const recorded = await recordInIncident(root, link.incident, [{ type: 'hotfix-created', branch: created.branch, issueKey: created.issueKey }]);
  if (recorded.incident) deps.log.info(`recorded in ${recorded.incident}'s timeline`);
  if (link.note ?? recorded.note) deps.log.info(`not recorded in an incident: ${link.note ?? recorded.note ?? ''}`);
  void vscode.window
    .showInformationMessage(`Created ${created.branch} from ${from} (${created.baseline.sha.slice(0, 8)}). Commit the fix, then run Hotfix: Finish Hotfix.`, ...(created.issueUrl ? ['Open Issue'] : []))
    .then((choice) => (choice === 'Open Issue' && created.issueUrl ? vscode.env.openExternal(vscode.Uri.parse(created.issueUrl)) : undefined));
  return { ok: true, value: created };
}

interface FinishArgs {
  readonly root?: string;
  readonly branch?: { readonly name: string } | string;
  /** Skip the confirmation and push (true) or keep everything local (false). */
  readonly push?: boolean;
}

export async function finishHotfixCommand(deps: HotfixCommandDeps, arg?: unknown): Promise<CommandResult<FinishOutcome>> {
  const workspace = await openRepo(deps, arg);
  if (!workspace) return cancelled;
  const args = (arg ?? {}) as FinishArgs;
  const branch = (typeof args.branch === 'string' ? args.branch : args.branch?.name) ?? (await pickHotfixBranch(workspace));
  if (branch === null) return cancelled;
  const { settings } = workspace.context;
  let push = args.push;
  if (push === undefined) {
    const into = settings.model === 'gitflow' ? `merges it into ${settings.productionBranch} (--no-ff), tags the next patch version, merges it into ${settings.developBranch ?? 'develop'} and open release branches` : `fast-forwards ${settings.productionBranch}, tags the next patch version, cherry-picks it onto ${settings.mainBranch}`;
    const choice = await vscode.window.showWarningMessage(
      `Finish ${branch ?? 'the current hotfix'}?`,
      { modal: true, detail: `This ${into}, then deletes the hotfix branch${settings.remote ? ` and pushes to ${settings.remote}` : ''}. A conflict stops it; Continue Finish resumes, Abort Finish undoes it.` },
      ...(settings.remote ? ['Finish and Push', 'Finish Without Pushing'] : ['Finish']),
    );
    if (choice === undefined) return cancelled;
    push = choice === 'Finish and Push';
  }
  const { finishHotfix } = await import('../../core/hotfix/finish.js');
  const outcome = await withProgress('Hotfix: finishing', deps, (progress) => finishHotfix(workspace.context, { push, ...(branch ? { branch } : {}) }, progress));
  return reportFinish(deps, workspace, outcome);
}

/**
 * The branch to finish when none was named: the checked-out hotfix, the only one, or the one the
 * person picks; undefined lets the engine decide (and explain), null means cancelled.
 */
async function pickHotfixBranch(workspace: OpenWorkspace): Promise<string | undefined | null> {
  const { hotfixStatus } = await import('../../core/hotfix/status.js');
  const local = (await hotfixStatus(workspace.context)).branches.filter((b) => b.local);
  if (local.length <= 1 || local.some((b) => b.current)) {
    return undefined;
  }
  const pick = await vscode.window.showQuickPick(
    local.map((b) => ({ label: b.name, description: `${b.issueKey} · ${b.commits.length} ahead`, name: b.name })),
    { title: 'Hotfix: finish which hotfix branch?' },
  );
  return pick ? pick.name : null;
}

export async function continueFinishCommand(deps: HotfixCommandDeps, arg?: unknown): Promise<CommandResult<FinishOutcome>> {
  const workspace = await openRepo(deps, arg);
  if (!workspace) return cancelled;
  const { continueFinish } = await import('../../core/hotfix/finish.js');
  const outcome = await withProgress('Hotfix: continuing the finish', deps, (progress) => continueFinish(workspace.context, progress));
  return reportFinish(deps, workspace, outcome);
}

export async function abortFinishCommand(deps: HotfixCommandDeps, arg?: unknown): Promise<CommandResult<FinishOutcome>> {
  const workspace = await openRepo(deps, arg);
  if (!workspace) return cancelled;
  const confirmed = (arg as { confirm?: boolean } | undefined)?.confirm === false ||
    (await vscode.window.showWarningMessage('Abort the finish?', { modal: true, detail: 'Every branch and tag goes back to where it was before the finish began; the hotfix branch keeps its commits.' }, 'Abort Finish')) === 'Abort Finish';
  if (!confirmed) return cancelled;
  const { abortFinish } = await import('../../core/hotfix/finish.js');
  const outcome = await withProgress('Hotfix: aborting the finish', deps, (progress) => abortFinish(workspace.context, progress));
  deps.service.invalidate();
  if (outcome.kind === 'failed' && /aborted; every branch/.test(outcome.reason)) {
    void vscode.window.showInformationMessage(outcome.reason);
    return { ok: true, value: outcome };
  }
  return reportFinish(deps, workspace, outcome);
}

async function reportFinish(deps: HotfixCommandDeps, workspace: OpenWorkspace, outcome: FinishOutcome): Promise<CommandResult<FinishOutcome>> {
  deps.service.invalidate();
  const root = workspace.location.root;
  if (outcome.kind === 'finished') {
    const { state } = outcome;
    // Into the linked incident's timeline: the tag, the branches and the fix's commits.
    const { finishedEvent, linkedIncident, recordInIncident } = await import('../../app/incident-link.js');
    const link = await linkedIncident(root);
    const recorded = await recordInIncident(root, link.incident, [finishedEvent(outcome)]);
    if (recorded.incident) deps.log.info(`recorded in ${recorded.incident}'s timeline`);
    const message = `Finished ${state.branch}${state.tag ? `, tagged ${state.tag}` : ''}${outcome.pushed ? `, pushed to ${state.remote ?? 'the remote'}` : ', nothing pushed'}.`;
    deps.log.info(message);
    void vscode.window.showInformationMessage(message);
    return { ok: true, value: outcome };
  }
  if (outcome.kind === 'stopped') {
    const files = outcome.files.map((file) => vscode.Uri.joinPath(vscode.Uri.file(root), file));
    void showFailure(deps.log, `The finish stopped at ${outcome.step}: conflicts in ${outcome.files.join(', ')}.`, 'Resolve them, stage the files, then Continue Finish.', [
      { title: 'Open Conflicts', run: async () => { for (const file of files) await vscode.window.showTextDocument(file, { preview: false }); } },
      { title: 'Continue Finish', run: () => vscode.commands.executeCommand('hotfixDeployer.continueFinish', { root }) },
      { title: 'Abort Finish', run: () => vscode.commands.executeCommand('hotfixDeployer.abortFinish', { root }) },
    ]);
    return { ok: false, reason: `stopped at ${outcome.step}` };
  }
  void showFailure(deps.log, outcome.reason, outcome.hint, outcome.resumable ? [
    { title: 'Continue Finish', run: () => vscode.commands.executeCommand('hotfixDeployer.continueFinish', { root }) },
    { title: 'Abort Finish', run: () => vscode.commands.executeCommand('hotfixDeployer.abortFinish', { root }) },
  ] : []);
  return { ok: false, reason: outcome.reason };
}

export async function openIssueCommand(deps: HotfixCommandDeps, arg?: unknown): Promise<CommandResult<string>> {
  const workspace = await openRepo(deps, arg);
  if (!workspace) return cancelled;
  const { hotfixStatus } = await import('../../core/hotfix/status.js');
  const status = await hotfixStatus(workspace.context);
  const named = (arg as { branch?: { name: string } } | undefined)?.branch?.name;
  const candidates = status.branches.filter((b) => b.issueUrl !== undefined && (named === undefined || b.name === named));
  if (candidates.length === 0) {
    const configured = workspace.context.trackerUrlTemplate !== undefined;
    void showFailure(deps.log, configured ? 'No hotfix branch with an issue to open.' : 'No issue tracker is configured.', configured ? undefined : 'Set issueTracker.urlTemplate (e.g. https://tracker.example/browse/{issue}) in .hotfix/config.yaml.');
    return { ok: false, reason: 'no issue' };
  }
  const current = candidates.find((b) => b.current);
  const chosen = candidates.length === 1 || current ? (current ?? candidates[0]) : (await vscode.window.showQuickPick(
    candidates.map((b) => ({ label: b.issueKey, description: b.name, detail: b.issueUrl, branch: b })),
    { title: 'Hotfix: open which issue?' },
  ))?.branch;
  if (!chosen?.issueUrl) return cancelled;
  await vscode.env.openExternal(vscode.Uri.parse(chosen.issueUrl));
  return { ok: true, value: chosen.issueUrl };
}
