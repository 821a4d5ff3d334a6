// What the target commands share (Deploy…, Rollback…, Validate…, Verify…, the GitOps commands): their
// dependencies, their outcome, and which target (from the arguments, a tree node or a quick pick).
// Opening, confirming and progress are the operation's (src/app), asked through src/extension/compose.ts.

import * as vscode from 'vscode';
import type { Target } from '../../core/config/targets';
import type { NotificationSecrets } from '../incident/notify-secrets';
import type { Repositories } from '../repositories';
import { pickRepository, showFailure } from '../ui';
import type { DeployService } from './service';

export interface DeployCommandDeps {
  readonly repositories: Repositories;
  readonly deploys: DeployService;
  readonly log: vscode.LogOutputChannel;
  /** The notification channels' secrets (SecretStorage), for the incident timeline's notifications. */
  readonly secrets?: NotificationSecrets;
}

export type Outcome<T> = { readonly ok: true; readonly value: T } | { readonly ok: false; readonly reason: string };
export const cancelled = { ok: false as const, reason: 'cancelled' };

/** The options object of a command (from a tree item, another extension or a test), else empty. */
export function argsOf<T extends object>(arg: unknown): Partial<T> {
  return typeof arg === 'object' && arg !== null ? arg : {};
}

/** The target named in the options: a name, or a tree node carrying one. */
export function namedTarget(arg: unknown): string | undefined {
  const given = argsOf<{ target: string | { readonly name: string } }>(arg).target;
  return typeof given === 'string' ? given : given?.name;
}

/** Which targets a command offers in its quick pick (e.g. only Argo Rollouts), and what to say when none is. */
export interface TargetFilter {
  accept(target: Target): boolean;
  readonly none: string;
  readonly hint: string;
}

/** The target named in the arguments (a name, or a tree node carrying one), else the one picked (among `only`); not opened. */
export async function pickTargetConfig(deps: DeployCommandDeps, arg: unknown, verb: string, only?: TargetFilter): Promise<{ readonly root: string; readonly target: Target } | undefined> {
  const root = await pickRepository(deps.repositories, arg);
  if (root === undefined) return undefined;
  const name = namedTarget(arg);
  const repo = (await deps.deploys.targets()).find((r) => r.root === root);
  const all = repo?.targets ?? [];
  // A named target is looked up among all: the operation says why it does not apply, in its own words.
  const targets = name === undefined && only ? all.filter((t) => only.accept(t)) : all;
  if (name !== undefined) {
    const target = targets.find((t) => t.name === name);
    if (target) return { root, target };
    const known = targets.map((t) => t.name).join(', ');
    void showFailure(deps.log, `There is no deploy target "${name}"${repo?.error ? `: ${repo.error}` : ''}.`, known ? `Known targets: ${known}.` : 'Add it under targets: in .hotfix/config.yaml.');
    return undefined;
  }
  if (targets.length === 0) {
    if (only && all.length > 0) void showFailure(deps.log, only.none, only.hint);
    else void showFailure(deps.log, repo?.error ?? 'No deploy targets are configured.', 'Add them under targets: in .hotfix/config.yaml (namespace, app, strategy).');
    return undefined;
  }
  const pick = await vscode.window.showQuickPick(
    targets.map((t) => ({ label: t.name, description: `${t.strategy} · ${t.context ?? 'current context'} / ${t.namespace}`, detail: t.protected ? '$(shield) protected: asks for a typed confirmation' : undefined, target: t })),
    { title: `Hotfix: ${verb} which target?` },
  );
  return pick ? { root, target: pick.target } : undefined;
}
