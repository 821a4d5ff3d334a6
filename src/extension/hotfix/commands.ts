// Palette and tree flows for hotfix branches: create (issue key, title, base, severity), finish,
// continue, abort, open the issue. Each gathers its inputs, runs the operation of src/app under a
// progress notification, and shows the outcome with the buttons that help. Every command also takes
// an options object (from a tree item, another extension or a test) and returns what happened.

import { pullRequestLine } from '../../core/hotfix/forge';
import * as vscode from 'vscode';
import type { AppEnv } from '../../app/env';
import type { CreateRequest } from '../../app/hotfix-create';
import type { FinishRequest, FinishResult } from '../../app/hotfix-finish';
import type { HotfixContext } from '../../core/hotfix/context';
import { ABORT_FINISH, CONTINUE_FINISH } from '../../core/hotfix/finish';
import type { HotfixRecord } from '../../core/hotfix/records';
import { callerConfirmation, type Confirmation } from '../command-args';
import { EditorInteraction, editorEnv } from '../compose';
import type { NotificationSecrets } from '../incident/notify-secrets';
import type { Repositories } from '../repositories';
import { showUntrusted, untrustedIncidentStore } from '../trust';
import { pickRepository, showFailure, showRefusal } from '../ui';
import { logLink } from '../verify/present';
import { askCreateInput, type CreateArgs } from './create-input';
import type { HotfixService } from './service';

export interface HotfixCommandDeps {
  readonly repositories: Repositories;
  readonly service: HotfixService;
  readonly log: vscode.LogOutputChannel;
  /** The notification channels' secrets (SecretStorage), for the incident timeline's notifications. */
  readonly secrets?: NotificationSecrets;
}

export type CommandResult<T = unknown> = { readonly ok: true; readonly value: T } | { readonly ok: false; readonly reason: string };

const cancelled: CommandResult<never> = { ok: false, reason: 'cancelled' };

/** Arguments from a test or another extension; a tree node (a class instance) carries only its root. */
function createArgs(arg: unknown): CreateArgs {
  return typeof arg === 'object' && arg !== null ? arg : {};
}

/** One command call in one repository: its environment, the person, and the repository's context. */
export interface Opened {
  readonly root: string;
  readonly env: AppEnv;
  readonly interaction: EditorInteraction;
  readonly context: HotfixContext;
}

/** The repository picked, its environment for this call, and its context; a failure to open is shown. */
export async function openRepo(deps: HotfixCommandDeps, arg: unknown, root?: string, given: Confirmation = callerConfirmation(arg)): Promise<Opened | undefined> {
  root ??= await pickRepository(deps.repositories, arg);
  if (root === undefined) {
    return undefined;
  }
  // Creating and finishing record into the open incident: on the cluster, if the config keeps them there.
  const untrusted = await untrustedIncidentStore(root);
  if (untrusted !== undefined) {
    void showUntrusted(deps.log, untrusted);
    return undefined;
  }
  const interaction = new EditorInteraction(deps.log, given);
  const env = await editorEnv(deps, root, interaction);
  const opened = await env.workspace();
  if (!opened.ok) {
    const configUri = vscode.Uri.joinPath(vscode.Uri.file(root), '.hotfix', 'config.yaml');
    void showFailure(deps.log, opened.reason, opened.hint, [{ title: 'Open Config', run: () => vscode.window.showTextDocument(configUri) }]);
    return undefined;
  }
  return { root, env, interaction, context: opened.value.context };
}

export async function createHotfixCommand(deps: HotfixCommandDeps, arg?: unknown): Promise<CommandResult<HotfixRecord>> {
  const opened = await openRepo(deps, arg);
  if (!opened) return cancelled;
  const request = await askCreateInput(opened.context, createArgs(arg));
  if (!request) return cancelled;
  return runCreate(deps, opened, request);
}

/** Creates the branch (the operation offers to stash a dirty tree), and says where it went. */
export async function runCreate(deps: HotfixCommandDeps, opened: Opened, request: CreateRequest): Promise<CommandResult<HotfixRecord>> {
  const { createHotfix } = await import('../../app/hotfix-create.js');
  const outcome = await opened.interaction.withProgress(`Hotfix: creating a branch for ${request.issue}`, () => createHotfix(opened.env, request));
  deps.service.invalidate();
  switch (outcome.kind) {
    case 'cancelled':
      return cancelled;
    case 'refused':
    case 'drift': {
      void showRefusal(deps.log, outcome.failed, [], opened.root);
      return { ok: false, reason: outcome.failed.reason };
    }
    case 'created': {
      const created = outcome.hotfix;
      const from = created.baseline.ref.startsWith('running:') ? `the commit ${created.baseline.ref.slice('running:'.length)} runs` : (created.baseline.tag ?? created.baseline.ref);
      deps.log.info(`created ${created.branch} from ${from} (${created.baseline.sha})`);
      logLink(deps.log, outcome.link);
      void vscode.window
        .showInformationMessage(`Created ${created.branch} from ${from} (${created.baseline.sha.slice(0, 8)}). Commit the fix, then run Hotfix: Finish Hotfix.`, ...(created.issueUrl ? ['Open Issue'] : []))
        .then((choice) => (choice === 'Open Issue' && created.issueUrl ? vscode.env.openExternal(vscode.Uri.parse(created.issueUrl)) : undefined));
      return { ok: true, value: created };
    }
  }
}

interface FinishArgs {
  readonly root?: string;
  readonly branch?: { readonly name: string } | string;
  /** Skip the confirmation and push (true) or keep everything local (false). */
  readonly push?: boolean;
}

export async function finishHotfixCommand(deps: HotfixCommandDeps, arg?: unknown): Promise<CommandResult<FinishResult>> {
  const opened = await openRepo(deps, arg);
  if (!opened) return cancelled;
  const args = (arg ?? {}) as FinishArgs;
  const branch = (typeof args.branch === 'string' ? args.branch : args.branch?.name) ?? (await pickHotfixBranch(opened.context));
  if (branch === null) return cancelled;
  const { settings } = opened.context;
  // The question names the branch: the one given or picked, else the one checked out.
  const named = branch ?? (await opened.context.git.currentBranch().catch(() => undefined)) ?? 'the current hotfix';
  let push = args.push;
  if (push === undefined && settings.finish === 'pull-request') {
    // Through a forge nothing merges here: the branch is pushed and the requests do the rest.
    const noun = settings.forge?.kind === 'gitlab' ? 'merge request' : 'pull request';
    const after = settings.model === 'gitflow' ? `opens the back-merge requests into ${settings.developBranch ?? 'develop'} and open release branches` : `opens the cherry-pick request into ${settings.mainBranch}`;
    const choice = await vscode.window.showWarningMessage(
      `Finish ${named} through a ${noun}?`,
      { modal: true, detail: `This pushes the hotfix branch and opens a ${noun} into ${settings.productionBranch}. Once it is merged there, Continue Finish tags the merge commit with the next patch version, ${after}, and deletes the hotfix branch when it is merged everywhere. Abort Finish closes the requests it opened.` },
      'Push and Open Request',
    );
    if (choice === undefined) return cancelled;
    push = true;
  }
  if (push === undefined) {
    const into = settings.model === 'gitflow' ? `merges it into ${settings.productionBranch} (--no-ff), tags the next patch version, merges it into ${settings.developBranch ?? 'develop'} and open release branches` : `fast-forwards ${settings.productionBranch}, tags the next patch version, cherry-picks it onto ${settings.mainBranch}`;
    const choice = await vscode.window.showWarningMessage(
      `Finish ${named}?`,
      { modal: true, detail: `This ${into}, then deletes the hotfix branch${settings.remote ? ` and pushes to ${settings.remote}` : ''}. A conflict stops it; Continue Finish resumes, Abort Finish undoes it.` },
      ...(settings.remote ? ['Finish and Push', 'Finish Without Pushing'] : ['Finish']),
    );
    if (choice === undefined) return cancelled;
    push = choice === 'Finish and Push';
  }
  return runFinish(deps, opened, 'Hotfix: finishing', { push, ...(branch ? { branch } : {}) });
}

/**
 * The branch to finish when none was named: the checked-out hotfix, the only one, or the one the
 * person picks; undefined lets the operation decide (and explain), null means cancelled.
 */
async function pickHotfixBranch(context: HotfixContext): Promise<string | undefined | null> {
  const { hotfixStatus } = await import('../../core/hotfix/status.js');
  const local = (await hotfixStatus(context)).branches.filter((b) => b.local);
  if (local.length <= 1 || local.some((b) => b.current)) {
    return undefined;
  }
  const pick = await vscode.window.showQuickPick(
    local.map((b) => ({ label: b.name, description: `${b.issueKey} · ${b.commits.length} ahead`, name: b.name })),
    { title: 'Hotfix: finish which hotfix branch?' },
  );
  return pick ? pick.name : null;
}

export async function continueFinishCommand(deps: HotfixCommandDeps, arg?: unknown): Promise<CommandResult<FinishResult>> {
  const opened = await openRepo(deps, arg);
  if (!opened) return cancelled;
  return runFinish(deps, opened, 'Hotfix: continuing the finish', { continue: true });
}

export async function abortFinishCommand(deps: HotfixCommandDeps, arg?: unknown): Promise<CommandResult<FinishResult>> {
  // `confirm: false` from a caller (a test, automation) skips the question, as `confirmed: true` does.
  const skip = typeof arg === 'object' && arg !== null && (arg as { confirm?: unknown }).confirm === false;
  const opened = await openRepo(deps, arg, undefined, skip ? 'caller' : callerConfirmation(arg));
  if (!opened) return cancelled;
  return runFinish(deps, opened, 'Hotfix: aborting the finish', { abort: true });
}

async function runFinish(deps: HotfixCommandDeps, opened: Opened, title: string, request: FinishRequest): Promise<CommandResult<FinishResult>> {
  const { finishHotfix } = await import('../../app/hotfix-finish.js');
  const outcome = await opened.interaction.withProgress(title, () => finishHotfix(opened.env, request));
  deps.service.invalidate();
  const { root } = opened;
  switch (outcome.kind) {
    case 'cancelled':
      return cancelled;
    case 'finished': {
      const { state } = outcome;
      logLink(deps.log, outcome.link);
      const message = `Finished ${state.branch}${state.tag ? `, tagged ${state.tag}` : ''}${outcome.pushed ? `, pushed to ${state.remote ?? 'the remote'}` : ', nothing pushed'}.`;
      deps.log.info(message);
      void vscode.window.showInformationMessage(message);
      return { ok: true, value: outcome };
    }
    case 'waiting': {
      const { pull, target, state } = outcome;
      const message = `The finish of ${state.branch} waits for its ${target} request to be merged: ${pullRequestLine(pull, outcome.noun)}.${outcome.note ? ` ${outcome.note}` : ''}`;
      const openIt = { title: `Open ${outcome.noun === 'merge request' ? '!' : '#'}${pull.number}`, run: async () => { await vscode.env.openExternal(vscode.Uri.parse(pull.url)); } };
      void showRefusal(deps.log, { reason: message, hint: 'Once it is merged, Continue Finish.', remedies: [CONTINUE_FINISH, ABORT_FINISH] }, [openIt], root, 'info');
      return { ok: false, reason: `waiting for #${pull.number}` };
    }
    case 'aborted': {
      const message = outcome.closed
        ? `The finish of ${outcome.branch} was aborted${outcome.closed.length > 0 ? `: ${outcome.closed.join('; ')}` : ''}.`
        : `The finish of ${outcome.branch} was aborted; every branch and tag is back where it was.`;
      deps.log.info(message);
      void vscode.window.showInformationMessage(message);
      return { ok: true, value: outcome };
    }
    case 'stopped': {
      const files = outcome.files.map((file) => vscode.Uri.joinPath(vscode.Uri.file(root), file));
      const openConflicts = { title: 'Open Conflicts', run: async () => { for (const file of files) await vscode.window.showTextDocument(file, { preview: false }); } };
      void showRefusal(deps.log, { reason: `The finish stopped at ${outcome.step}: conflicts in ${outcome.files.join(', ')}.`, hint: 'Resolve them, stage the files, then Continue Finish.', remedies: [CONTINUE_FINISH, ABORT_FINISH] }, [openConflicts], root);
      return { ok: false, reason: `stopped at ${outcome.step}` };
    }
    case 'failed':
      void showRefusal(deps.log, outcome, [], root);
      return { ok: false, reason: outcome.reason };
  }
}

export async function openIssueCommand(deps: HotfixCommandDeps, arg?: unknown): Promise<CommandResult<string>> {
  const opened = await openRepo(deps, arg);
  if (!opened) return cancelled;
  const { hotfixStatus } = await import('../../core/hotfix/status.js');
  const status = await hotfixStatus(opened.context);
  const named = (arg as { branch?: { name: string } } | undefined)?.branch?.name;
  const candidates = status.branches.filter((b) => b.issueUrl !== undefined && (named === undefined || b.name === named));
  if (candidates.length === 0) {
    const configured = opened.context.trackerUrlTemplate !== undefined;
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
