// Small UI helpers shared by the command flows: choosing the repository in a multi-root
// workspace, and showing an engine failure with its hint and the actions that help.

import * as path from 'node:path';
import * as vscode from 'vscode';
import type { Failed } from '../core/result';
import { remedyActions } from './remedy';
import type { Repositories } from './repositories';

/** Options a command accepts when called from a tree item, another extension or a test. */
export interface RepoArgs {
  readonly root?: string;
}

export function rootFromArgs(arg: unknown): string | undefined {
  if (typeof arg === 'object' && arg !== null && typeof (arg as RepoArgs).root === 'string') {
    return (arg as RepoArgs).root;
  }
  return undefined;
}

/**
 * The repository to act on: the one named (only if it is open in this window: options come from
 * anywhere), the only one, or the one the person picks.
 */
export async function pickRepository(repositories: Repositories, arg: unknown): Promise<string | undefined> {
  const named = rootFromArgs(arg);
  if (named !== undefined) {
    const known = await repositories.known(named);
    if (known === undefined) void vscode.window.showErrorMessage(`Hotfix: ${named} is not a git repository open in this window; nothing was done.`);
    return known;
  }
  await repositories.refresh();
  const all = repositories.all;
  if (all.length === 0) {
    void vscode.window.showWarningMessage('Hotfix: no git repository is open. Open the repository of the service you are fixing.');
    return undefined;
  }
  if (all.length === 1) {
    return all[0]?.root;
  }
  const active = vscode.window.activeTextEditor?.document.uri.fsPath;
  const items = all.map((r) => ({ label: path.basename(r.root), description: r.root, root: r.root, picked: active?.startsWith(r.root + path.sep) ?? false }));
  items.sort((a, b) => Number(b.picked) - Number(a.picked));
  const choice = await vscode.window.showQuickPick(items, { title: 'Hotfix: which repository?', placeHolder: 'The repository of the service to fix' });
  return choice?.root;
}

export interface FailureAction {
  readonly title: string;
  run(): unknown;
}

/** An expected failure: the reason, the hint, and buttons for what helps; details go to the log. */
export async function showFailure(log: vscode.LogOutputChannel, reason: string, hint: string | undefined, actions: FailureAction[] = []): Promise<void> {
  log.warn(`${reason}${hint ? ` ${hint}` : ''}`);
  const buttons = [...actions.map((a) => a.title), 'Show Log'];
  const choice = await vscode.window.showErrorMessage(`${reason}${hint ? ` ${hint}` : ''}`, ...buttons);
  if (choice === 'Show Log') {
    log.show();
  }
  await actions.find((a) => a.title === choice)?.run();
}

/**
 * A refusal as the person sees it: the reason and the hint, a button for each remedy (the command
 * that does it, in the repository at `root`), `extraActions` before them, and Show Log.
 */
/** `severity: 'info'`: not a failure, a stop that waits on somebody (a request to be merged). */
export async function showRefusal(log: vscode.LogOutputChannel, refusal: Pick<Failed, 'reason' | 'hint' | 'remedies'>, extraActions: FailureAction[] = [], root?: string, severity: 'error' | 'info' = 'error'): Promise<void> {
  const offered = remedyActions(refusal.remedies ?? [], root);
  const actions = [...extraActions];
  for (const action of offered.actions) if (!actions.some((a) => a.title === action.title)) actions.push(action);
  const text = `${refusal.reason}${refusal.hint ? ` ${refusal.hint}` : ''}`;
  if (severity === 'error') log.warn(text);
  else log.info(text);
  for (const line of offered.lines) log.info(`  ${line}`);
  const show = severity === 'error' ? vscode.window.showErrorMessage : vscode.window.showInformationMessage;
  const choice = await show(text, ...actions.map((a) => a.title), 'Show Log');
  if (choice === 'Show Log') log.show();
  await actions.find((a) => a.title === choice)?.run();
}
