// Validate… and Verify…: the CLI's `validate` and `verify` from the palette or a target in the
// Deployments view. Both run the shared flows (src/adapters/validate-run.ts, verify-run.ts) under a
// cancellable progress notification, write every line to the Hotfix log, and return their result.

import * as vscode from 'vscode';
import type { VerifyRunOutcome } from '../../app/verify-run';
import type { Target } from '../../core/config/targets';
import type { ValidationReport } from '../../core/verify/validate';
import { argsOf, confirm, pickTargetConfig, progress, type DeployCommandDeps } from '../deploy/flow';
import { showFailure } from '../ui';
import { validationMessage, validationOutput, verifyMessage } from './present';

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
  /** Skip the engine's confirmation of the rollback of an ordinary target; a protected one is always asked here. */
  readonly confirmed: boolean;
}

export type ValidateResult = { readonly ok: boolean; readonly report?: ValidationReport; readonly reason?: string };
export type VerifyResult = { readonly ok: boolean; readonly outcome?: VerifyRunOutcome; readonly reason?: string };

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
  if (!picked) return { ok: false, reason: 'cancelled' };
  const { root, target } = picked;
  const { openWorkspace } = await import('../../adapters/workspace.js');
  const ws = await openWorkspace(root);
  if (!ws.ok) {
    void showFailure(deps.log, ws.reason, ws.hint);
    return { ok: false, reason: ws.reason };
  }
  const config = ws.value.config;
  const suite = await pickSuite(target, Object.keys(config.validate ?? {}), config.targets?.[target.name]?.validate, a.suite);
  if (suite === undefined) return { ok: false, reason: 'cancelled' };
  const { defaultImage, runValidation } = await import('../../app/validate-run.js');
  const { linkedIncident } = await import('../../app/incident-link.js');

  const title = `Hotfix: validating ${target.name}${suite !== null ? ` (suite ${suite})` : ''}`;
  const report = await progress(title, deps, async (say, signal) => {
    const opened = await deps.deploys.open(root, target.name, { progress: (m) => deps.log.info(m), signal });
    if (opened.ok) say(`target ${target.name} (${target.strategy}${target.protected ? ', protected' : ''}): context ${opened.value.kube.context} (${opened.value.kube.server}), namespace ${target.namespace}`);
    let image = a.image;
    if (image === undefined) {
      const resolved = await defaultImage(ws.value, target.image);
      if (resolved?.ok) image = resolved.value;
      else if (resolved) deps.log.warn(`no image for the image and dry-run checks: ${resolved.reason}`);
    }
    const link = await linkedIncident(root);
    return runValidation(
      {
        workspace: ws.value,
        deploy: opened.ok ? opened.value.context : opened,
        target: target.name,
        ...(suite !== null ? { suite } : {}),
        ...(image !== undefined ? { image } : {}),
        ...(link.incident ? { incident: link.incident } : {}),
        signal,
      },
      validationOutput(deps.log, say),
    );
  });
  deps.deploys.invalidate();
  const message = validationMessage(report);
  if (report.pass) {
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
  const cancelled: VerifyResult = { ok: false, reason: 'cancelled' };
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
  let confirmed = a.confirmed === true;
  if (autoRollback && target.protected) {
    // The typed confirmation of Deploy…, asked now: the rollback may come when nobody is watching.
    // An option saying confirmed never stands for it (mustAsk in command-args.ts).
    const opened = await deps.deploys.open(root, name, { progress: (m) => deps.log.info(m) });
    if (!opened.ok) {
      void showFailure(deps.log, opened.reason, opened.hint);
      return { ok: false, reason: opened.reason };
    }
    confirmed = await confirm(opened.value, `Roll back ${name} automatically if verification fails`, undefined);
    if (!confirmed) return cancelled;
  }

  const { runVerify } = await import('../../app/verify-run.js');
  const kubeconfig = deps.deploys.kubeconfigSetting();
  const outcome = await progress(`Hotfix: verifying ${name}`, deps, (say, signal) =>
    runVerify({
      dir: root,
      target: name,
      durationMs,
      autoRollback,
      confirmed,
      signal,
      ...(groups !== undefined ? { groups } : {}),
      ...(a.intervalMs !== undefined ? { intervalMs: a.intervalMs } : {}),
      ...(kubeconfig ? { kubeconfig } : {}),
      onStart: (summary) => say(summary),
      onRound: (round, index) => say(`round ${index + 1}: ${round.outcome}: ${round.reason}`),
      progress: (m) => say(m),
    }),
  );
  deps.deploys.invalidate();
  if (outcome.kind === 'refused') {
    void showFailure(deps.log, outcome.reason, outcome.hint);
    return { ok: false, outcome, reason: outcome.reason };
  }
  const { incident } = outcome;
  if (incident.note) deps.log.warn(`the incident timeline was not updated: ${incident.note}`);
  else if (incident.incident) deps.log.info(`recorded in ${incident.incident}'s timeline`);
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
  void showFailure(deps.log, message.text, message.hint);
  return { ok: false, outcome, reason: message.text };
}
