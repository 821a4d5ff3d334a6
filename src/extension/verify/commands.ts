// Validate… and Verify…: the CLI's `validate` and `verify` from the palette or a target in the
// Deployments view. The options and picks are gathered here; the use cases (src/app/validate.ts,
// verify.ts) run under a cancellable progress notification, writing every step and round to the
// Hotfix log; the outcome is shown and returned.

import * as vscode from 'vscode';
import type { VerifyOutcome } from '../../app/verify';
import type { Target } from '../../core/config/targets';
import type { ValidationReport } from '../../core/verify/validate';
import { argsOf, cancelled, pickTargetConfig, type DeployCommandDeps } from '../deploy/flow';
import { session } from '../session';
import { showFailure, showRefusal } from '../ui';
import { logLink, validationMessage, verifyMessage } from './present';

interface ValidateArgs {
  readonly root: string;
  /** A target name, or a tree node carrying one. */
  readonly target: string | { readonly name: string };
  readonly suite: string;
  readonly image: string;
}

interface VerifyArgs {
  readonly root: string;
  readonly target: string | { readonly name: string };
  /** Health endpoint groups; default: the ones picked (all preselected). */
  readonly groups: readonly string[];
  readonly durationMs: number;
  readonly intervalMs: number;
  readonly autoRollback: boolean;
  /** Skip the modal of an ordinary target; a protected one always has its name typed here. */
  readonly confirmed: boolean;
}

export type ValidateResult = { readonly ok: boolean; readonly report?: ValidationReport; readonly reason?: string };
export type VerifyResult = { readonly ok: boolean; readonly outcome?: VerifyOutcome; readonly reason?: string };

const NO_SUITE = '(built-in checks only)';

/** The suite: the one asked for, else the target's validate:, else one picked from the configured suites. */
async function pickSuite(target: Target, suites: readonly string[], own: string | undefined, asked: string | undefined): Promise<string | null | undefined> {
  if (asked !== undefined) return asked;
  if (own !== undefined) return own;
  if (suites.length === 0) return null;
  const pick = await vscode.window.showQuickPick([...suites.map((s) => ({ label: s, suite: s })), { label: NO_SUITE, suite: null }], {
    title: `Hotfix: Validate ${target.name} with which suite?`,
    placeHolder: `targets.${target.name} names no validate: suite`,
  });
  return pick === undefined ? undefined : pick.suite;
}

export async function validateCommand(deps: DeployCommandDeps, arg?: unknown): Promise<ValidateResult> {
  const a = argsOf<ValidateArgs>(arg);
  const picked = await pickTargetConfig(deps, arg, 'Validate');
  if (!picked) return cancelled;
  const { root, target } = picked;
  const { env, interaction } = await session(deps, root, arg);
  const ws = await env.workspace();
  if (!ws.ok) {
    void showRefusal(deps.log, ws, [], root);
    return { ok: false, reason: ws.reason };
  }
  const config = ws.value.config;
  const suite = await pickSuite(target, Object.keys(config.validate ?? {}), config.targets?.[target.name]?.validate, a.suite);
  if (suite === undefined) return cancelled;
  const { validate, checkLine } = await import('../../app/validate.js');
  const title = `Hotfix: validating ${target.name}${suite !== null ? ` (suite ${suite})` : ''}`;
  const outcome = await interaction.withProgress(title, () => validate(env, { target: target.name, ...(suite !== null ? { suite } : {}), ...(a.image !== undefined ? { image: a.image } : {}) }));
  deps.deploys.invalidate();
  if (outcome.kind === 'refused') {
    void showRefusal(deps.log, outcome.failed, [], root);
    return { ok: false, reason: outcome.failed.reason };
  }
  const { report } = outcome;
  for (const check of report.checks) deps.log.info(checkLine(check));
  logLink(deps.log, outcome.incident);
  const message = validationMessage(report);
  if (outcome.kind === 'passed') {
    deps.log.info(message);
    void vscode.window.showInformationMessage(message);
    return { ok: true, report };
  }
  void showFailure(deps.log, message, 'Fix the failed checks and run Validate… again; each check is in the log.');
  return { ok: false, report, reason: message };
}

const DURATIONS = [
  { label: '1 minute', ms: 60_000 },
  { label: '5 minutes', ms: 300_000 },
  { label: '15 minutes', ms: 900_000 },
];

export async function verifyCommand(deps: DeployCommandDeps, arg?: unknown): Promise<VerifyResult> {
  const a = argsOf<VerifyArgs>(arg);
  const picked = await pickTargetConfig(deps, arg, 'Verify');
  if (!picked) return cancelled;
  const { root, target } = picked;
  const name = target.name;

  let groups = a.groups;
  const known = Object.keys(target.verify.health);
  if (groups === undefined && known.length > 0) {
    const chosen = await vscode.window.showQuickPick(
      known.map((g) => ({ label: g, description: (target.verify.health[g] ?? []).map((e) => e.url).join(', '), picked: true })),
      { title: `Hotfix: Verify ${name}: which health endpoint groups?`, canPickMany: true },
    );
    if (chosen === undefined) return cancelled;
    groups = chosen.map((c) => c.label);
  }
  let durationMs = a.durationMs;
  if (durationMs === undefined) {
    const chosen = await vscode.window.showQuickPick(DURATIONS.map((d) => ({ ...d, description: `a round every ${Math.round(target.verify.intervalMs / 1000)}s` })), { title: `Hotfix: Verify ${name} for how long?` });
    if (chosen === undefined) return cancelled;
    durationMs = chosen.ms;
  }
  let autoRollback = a.autoRollback;
  if (autoRollback === undefined) {
    const chosen = await vscode.window.showQuickPick(
      [
        { label: 'Watch only', detail: 'Report the verdict; roll back yourself if it fails.', rollback: false },
        { label: 'Watch and roll back on failure', detail: `Roll ${name} back by its fastest safe path at the first deciding failure.`, rollback: true },
      ],
      { title: `Hotfix: Verify ${name}: on failure?` },
    );
    if (chosen === undefined) return cancelled;
    autoRollback = chosen.rollback;
  }

  // The rollback of a protected target is confirmed by its typed name before the watch starts (the use case asks).
  const { env, interaction } = await session(deps, root, arg);
  const { verify } = await import('../../app/verify.js');
  const outcome = await interaction.withProgress(`Hotfix: verifying ${name}`, () =>
    verify(env, {
      target: name,
      durationMs,
      autoRollback,
      ...(groups !== undefined ? { groups } : {}),
      ...(a.intervalMs !== undefined ? { intervalMs: a.intervalMs } : {}),
    }),
  );
  deps.deploys.invalidate();
  if (outcome.kind === 'cancelled') return cancelled;
  if (outcome.kind === 'refused') {
    void showRefusal(deps.log, outcome.failed, [], root);
    return { ok: false, outcome, reason: outcome.failed.reason };
  }
  logLink(deps.log, outcome.incident);
  const message = verifyMessage(name, outcome);
  if (outcome.kind === 'verified') {
    deps.log.info(message.text);
    void vscode.window.showInformationMessage(message.text);
    return { ok: true, outcome };
  }
  if (outcome.kind === 'stopped') {
    deps.log.info(message.text);
    void vscode.window.showWarningMessage(message.text);
    return { ok: false, outcome, reason: message.text };
  }
  void showRefusal(deps.log, { reason: message.text, ...(message.hint ? { hint: message.hint } : {}), ...(outcome.remedies ? { remedies: outcome.remedies } : {}) }, [], root);
  return { ok: false, outcome, reason: message.text };
}
