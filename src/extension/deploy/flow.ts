// The steps the target commands share (Deploy…, Rollback…, Validate…, Verify…): which target (from the
// arguments, a tree node or a quick pick), opening it through the kube context, the confirmation that
// names the context and namespace, and a cancellable progress notification that also writes the log.

import * as vscode from 'vscode';
import type { OpenDeploy } from '../../adapters/deploy-workspace';
import type { Target } from '../../core/config/targets';
import { mustAsk, type Confirmation } from '../command-args';
import type { Repositories } from '../repositories';
import { pickRepository, showFailure } from '../ui';
import type { DeployService } from './service';

export interface DeployCommandDeps {
  readonly repositories: Repositories;
  readonly deploys: DeployService;
  readonly log: vscode.LogOutputChannel;
}

export type Outcome<T> = { readonly ok: true; readonly value: T } | { readonly ok: false; readonly reason: string };
export const cancelled = { ok: false as const, reason: 'cancelled' };

/** The options object of a command (from a tree item, another extension or a test), else empty. */
export function argsOf<T extends object>(arg: unknown): Partial<T> {
  return typeof arg === 'object' && arg !== null ? arg : {};
}

function namedTarget(arg: unknown): string | undefined {
  const given = argsOf<{ target: string | { readonly name: string } }>(arg).target;
  return typeof given === 'string' ? given : given?.name;
}

/** The target named in the arguments (a name, or a tree node carrying one), else the one picked; not opened. */
export async function pickTargetConfig(deps: DeployCommandDeps, arg: unknown, verb: string): Promise<{ readonly root: string; readonly target: Target } | undefined> {
  const root = await pickRepository(deps.repositories, arg);
  if (root === undefined) return undefined;
  const name = namedTarget(arg);
  const repo = (await deps.deploys.targets()).find((r) => r.root === root);
  const targets = repo?.targets ?? [];
  if (name !== undefined) {
    const target = targets.find((t) => t.name === name);
    if (target) return { root, target };
    const known = targets.map((t) => t.name).join(', ');
    void showFailure(deps.log, `There is no deploy target "${name}"${repo?.error ? `: ${repo.error}` : ''}.`, known ? `Known targets: ${known}.` : 'Add it under targets: in .hotfix/config.yaml.');
    return undefined;
  }
  if (targets.length === 0) {
    void showFailure(deps.log, repo?.error ?? 'No deploy targets are configured.', 'Add them under targets: in .hotfix/config.yaml (namespace, app, strategy).');
    return undefined;
  }
  const pick = await vscode.window.showQuickPick(
    targets.map((t) => ({ label: t.name, description: `${t.strategy} · ${t.context ?? 'current context'} / ${t.namespace}`, detail: t.protected ? '$(shield) protected: asks for a typed confirmation' : undefined, target: t })),
    { title: `Hotfix: ${verb} which target?` },
  );
  return pick ? { root, target: pick.target } : undefined;
}

/** The target picked and opened through the kube context; a failure to open is shown. */
export async function pickTarget(deps: DeployCommandDeps, arg: unknown, verb: string): Promise<OpenDeploy | undefined> {
  const name = namedTarget(arg);
  // A named target opens directly: the engine says why when the config has no such target.
  const picked = name !== undefined ? await pickRepository(deps.repositories, arg).then((root) => (root !== undefined ? { root, name } : undefined)) : await pickTargetConfig(deps, arg, verb).then((p) => (p ? { root: p.root, name: p.target.name } : undefined));
  if (!picked) return undefined;
  const opened = await deps.deploys.open(picked.root, picked.name, { progress: (m) => deps.log.info(m) });
  if (!opened.ok) {
    void showFailure(deps.log, opened.reason, opened.hint);
    return undefined;
  }
  return opened.value;
}

/**
 * Protected targets: type the target's name, unless this flow asked for it already; a caller's
 * `confirmed: true` never stands for it. Others: a modal that names the context and namespace,
 * which a caller's `confirmed: true` skips (automation, tests).
 */
export async function confirm(target: OpenDeploy, what: string, given: Confirmation): Promise<boolean> {
  if (!mustAsk(given, target.target.protected)) return true;
  const where = `context ${target.kube.context} (${target.kube.server}), namespace ${target.target.namespace}`;
  if (target.target.protected) {
    const typed = await vscode.window.showInputBox({
      title: `Hotfix: ${what}`,
      prompt: `${target.target.name} is protected. ${what} in ${where}. Type ${target.target.name} to confirm.`,
      placeHolder: target.target.name,
      ignoreFocusOut: true,
      validateInput: (value) => (value === '' || value === target.target.name ? undefined : `Type ${target.target.name} exactly, or press Escape.`),
    });
    return typed === target.target.name;
  }
  return (await vscode.window.showWarningMessage(`${what}?`, { modal: true, detail: `Through ${where}.` }, 'Continue')) === 'Continue';
}

/** Runs `task` under a cancellable progress notification; each message also goes to the log. */
export function progress<T>(
  title: string,
  deps: DeployCommandDeps,
  task: (report: (m: string) => void, signal: AbortSignal) => Promise<T>,
  track?: { readonly root: string; readonly target: string },
): Thenable<T> {
  return vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title, cancellable: true }, (report, token) => {
    const abort = new AbortController();
    token.onCancellationRequested(() => abort.abort());
    const run = task((message) => {
      deps.log.info(message);
      report.report({ message });
    }, abort.signal);
    return track ? deps.deploys.track(track.root, track.target, abort, run) : run;
  });
}
