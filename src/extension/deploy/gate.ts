// What happens in VS Code between the confirmation and the rollout, by the same rules as the CLI:
// the linked incident, emergency mode for a SEV0/SEV1 canary, a collector of the canary gate verdicts
// for the timeline, and the validation gate (a failure deploys nothing; Deploy Anyway… asks why).

import * as vscode from 'vscode';
import type { OpenDeploy } from '../../adapters/deploy-workspace';
import type { GateCheck } from '../../app/validate-run';
import type { DeployEvent } from '../../core/deploy/context';
import type { DeployMeta } from '../../core/deploy/state';
import type { EventPayload } from '../../core/incident/events';
import { showFailure } from '../ui';
import { validationOutput } from '../verify/present';
import { progress, type DeployCommandDeps, type Outcome } from './flow';

export interface DeployPlan {
  /** The target as it deploys: emergency steps applied, gate verdicts collected into `verdicts`. */
  readonly opened: OpenDeploy;
  readonly image: string;
  readonly meta: DeployMeta;
  readonly sha?: string;
  readonly incident?: string;
  /** Why no incident is linked although one could be (several open). */
  readonly incidentNote?: string;
  /** The canary gate verdicts as they come, for the incident timeline. */
  readonly verdicts: EventPayload[];
}

/** `incident`: the one the person chose (deploy/incident-choice.ts), or none. */
export async function planDeploy(deps: DeployCommandDeps, opened: OpenDeploy, image: string, incident: string | undefined): Promise<DeployPlan> {
  const { verdictEvent } = await import('../../app/deploy-events.js');
  const { incidentSeverity } = await import('../../app/validate-run.js');
  const { emergencyPlan } = await import('../../core/verify/emergency.js');
  const { record } = await import('../../core/deploy/context.js');
  const root = opened.workspace.location.root;
  const git = opened.workspace.context.git;
  const [sha, branch] = await Promise.all([git.resolveCommit('HEAD'), git.currentBranch()]);
  const link = incident !== undefined ? { incident } : {};
  const verdicts: EventPayload[] = [];
  let context = { ...opened.context, onEvent: (event: DeployEvent) => verdicts.push(verdictEvent(opened.target.name, event)) };
  const emergency = emergencyPlan(context.target, (await incidentSeverity(root, link.incident)).value);
  if (emergency) {
    deps.log.info(emergency.note);
    context = { ...context, target: emergency.target };
    await record(context, 'deploy.emergency', { incident: link.incident ?? '', steps: emergency.target.canary.steps.join(','), pauseMs: emergency.target.canary.pauseMs });
  }
  return {
    opened: { ...opened, target: context.target, context },
    image,
    meta: { ...(sha ? { gitSha: sha } : {}), ...(branch ? { branch } : {}), ...(link.incident ? { incident: link.incident } : {}) },
    ...(sha ? { sha } : {}),
    ...(link.incident ? { incident: link.incident } : {}),
    verdicts,
  };
}

/**
 * A target with `validate:` deploys only after its suite passed for HEAD. On a failure nothing is
 * deployed: with `override` (a reason) the override rules decide at once; otherwise the error offers
 * Deploy Anyway…, which asks the reason and, when the rules allow it, calls `resume` to deploy.
 */
export async function validationGate(deps: DeployCommandDeps, plan: DeployPlan, override: string | undefined, resume: () => Promise<unknown>): Promise<Outcome<undefined>> {
  const { opened } = plan;
  const name = opened.target.name;
  const suite = opened.workspace.config.targets?.[name]?.validate;
  if (suite === undefined) {
    if (override !== undefined) deps.log.info(`targets.${name} has no validate: suite; the validation override is not needed`);
    return { ok: true, value: undefined };
  }
  const { checkValidationGate } = await import('../../app/validate-run.js');
  const gate = await progress(`Hotfix: validating ${name} (suite ${suite}) before the deploy`, deps, (report, signal) =>
    checkValidationGate(
      { ...opened, context: { ...opened.context, signal } },
      { image: plan.image, confirmed: true, ...(plan.sha ? { sha: plan.sha } : {}), ...(plan.incident ? { incident: plan.incident } : {}) },
      validationOutput(deps.log, report),
    ),
  );
  if (gate.kind === 'through') return { ok: true, value: undefined };
  if (override !== undefined) return applyOverride(deps, plan, gate, override);

  const { blocked } = await import('../../core/verify/validate-gate.js');
  const refusal = blocked(gate.report);
  const hint = 'Fix the failed checks and deploy again (Hotfix: Validate… runs the suite alone). In a SEV0 or SEV1 incident, Deploy Anyway… deploys past it, with your reason recorded.';
  void showFailure(deps.log, refusal.reason, hint, [
    {
      title: 'Deploy Anyway…',
      run: async () => {
        const reason = await vscode.window.showInputBox({
          title: `Hotfix: deploy ${plan.image} to ${name} past the failed validation`,
          prompt: 'Why this cannot wait (audited and put in the incident timeline; a linked SEV0 or SEV1 incident is needed)',
          ignoreFocusOut: true,
          validateInput: (v) => (v.trim() === '' ? 'A reason is needed.' : undefined),
        });
        if (reason === undefined || reason.trim() === '') return;
        if ((await applyOverride(deps, plan, gate, reason.trim())).ok) await resume();
      },
    },
  ]);
  return { ok: false, reason: refusal.reason };
}

async function applyOverride(deps: DeployCommandDeps, plan: DeployPlan, gate: Extract<GateCheck, { kind: 'failed' }>, reason: string): Promise<Outcome<undefined>> {
  const { overrideValidation } = await import('../../app/validate-run.js');
  const applied = await overrideValidation(
    plan.opened,
    gate,
    { reason, ...(plan.incident ? { incident: plan.incident } : {}), ...(plan.incidentNote ? { incidentNote: plan.incidentNote } : {}) },
    { line: (text) => deps.log.info(text) },
  );
  if (!applied.ok) {
    // The engine's hint names CLI flags; in VS Code an incident is declared from the palette.
    const hint = /needs a linked/.test(applied.reason) ? 'Declare one (Hotfix: Declare Incident…), or fix the failed checks.' : applied.hint;
    void showFailure(deps.log, applied.reason, hint);
    return { ok: false, reason: applied.reason };
  }
  deps.log.warn(applied.value);
  void vscode.window.showWarningMessage(`Hotfix: ${applied.value}`);
  return { ok: true, value: undefined };
}
