// Validate, written once for every front end, and the validation gate a deploy passes through. A run
// opens the target (when one is named) through the kube context, runs the suite and the built-in
// checks with the child_process runner (each step and its output streamed through the Interaction),
// saves and audits the report, and records it in the incident's timeline. The gate lets a deploy of
// a target with `validate: <suite>` through on a saved passing report for HEAD, else runs the suite;
// a failure blocks it unless the person gave a reason and a SEV0/SEV1 incident is linked (audited,
// in the timeline).

import type { OpenDeploy } from '../adapters/deploy-workspace';
import { ChildProcessRunner } from '../adapters/verify/command-runner';
import type { OpenWorkspace } from '../adapters/workspace';
import { imageFromTemplate } from '../core/config/targets';
import type { DeployContext } from '../core/deploy/context';
import { highestReachableRelease } from '../core/hotfix/versions';
import { checkImageReference } from '../core/image-ref';
import { FILL_IN, remedy, type Remedy } from '../core/remedy';
import { isInputFailure, type Failed, type Result } from '../core/result';
import { failedChecks, recordValidation, summary, validate as runChecks, validationKey, type SavedValidation, type ValidationCheck, type ValidationReport } from '../core/verify/validate';
import { unknownNames } from '../core/verify/validate-checks';
import { blocked, overrideAllowed, recordOverride, savedCovers, type LinkedSeverity, type OverrideRefusal } from '../core/verify/validate-gate';
import type { AppEnv } from './env';
import type { Again } from './gitops-guard';
import { linkIncident, recordEvents, severityOf, type IncidentLink } from './incident-link';
import { noteLink, noteTarget, refusal, refusedWith, type Refused } from './narrate';

export type { ValidationCheck, ValidationReport };

const short = (sha: string | undefined): string => (sha ? sha.slice(0, 8) : '-');

/** A check as one line: `✓ step unit: exit 0 in 40 ms`, `✗ dry-run: …`, `– branch: skipped …`. */
export function checkLine(check: ValidationCheck): string {
  const mark = check.skipped ? '–' : check.pass ? '✓' : '✗';
  return `${mark} ${check.kind === 'suite' ? 'step ' : ''}${check.name}${check.dryRun ? ' (dry run)' : ''}: ${check.reason}`;
}

/** `suite critical-path for staging at 1a2b3c4d`: what a report is of. */
export function validationSubject(report: ValidationReport): string {
  return `${report.suite ? `suite ${report.suite}` : 'built-in checks'}${report.target ? ` for ${report.target}` : ''} at ${short(report.sha)}`;
}

/** The image a deploy of the target writes when none is named: its template with this release's version. */
export async function defaultImage(workspace: OpenWorkspace, template: string | undefined): Promise<Result<string> | undefined> {
  if (!template) return undefined;
  const git = workspace.context.git;
  const [sha, release] = await Promise.all([git.resolveCommit('HEAD'), highestReachableRelease(git, workspace.context.settings.tagPrefix, 'HEAD')]);
  return imageFromTemplate(template, { ...(release ? { version: release.version, tag: release.name } : {}), ...(sha ? { sha } : {}) });
}

interface Run {
  readonly workspace: OpenWorkspace;
  readonly deploy?: DeployContext | Failed;
  readonly target?: string;
  readonly suite?: string;
  readonly image?: string;
  readonly incident?: string;
}

/** Runs the checks (steps and their output streamed), saves and audits the report, records it in the incident. */
async function runSuite(env: AppEnv, run: Run): Promise<{ readonly report: ValidationReport; readonly link: IncidentLink }> {
  const { workspace } = run;
  const hotfix = workspace.context;
  const { interaction } = env;
  const report = await runChecks(
    {
      runner: new ChildProcessRunner(workspace.location.root),
      clock: hotfix.clock,
      git: { repo: hotfix.git, settings: hotfix.settings },
      ...(run.deploy ? { deploy: run.deploy } : {}),
      ...(interaction.signal ? { signal: interaction.signal } : {}),
      progress: (message) => (interaction.step ? interaction.step(message) : interaction.progress(message)),
      onOutput: (step, line) => (interaction.output ? interaction.output(step, line) : interaction.progress(line)),
    },
    {
      config: workspace.config,
      ...(run.target !== undefined ? { target: run.target } : {}),
      ...(run.suite !== undefined ? { suite: run.suite } : {}),
      ...(run.image !== undefined ? { image: run.image } : {}),
    },
  );
  const actor = (await hotfix.git.identity()) ?? 'unknown';
  await recordValidation(hotfix, actor, report);
  const link = await recordEvents(env, run.incident, [
    { type: 'validated', suite: report.suite ?? '(built-in checks)', pass: report.pass, summary: summary(report), ...(report.target !== undefined ? { target: report.target } : {}), ...(report.sha !== undefined ? { sha: report.sha } : {}) },
  ]);
  return { report, link };
}

export interface ValidateRequest {
  /** The target to validate against: its cluster, its image and its `validate:` suite. */
  readonly target?: string;
  /** The suite (default: the target's). */
  readonly suite?: string;
  /** The image a deploy would write (default: the target's template filled from HEAD). */
  readonly image?: string;
  /** The incident whose timeline records the result (default: the only open one). */
  readonly incident?: string;
}

export type ValidateOutcome =
  | {
      readonly kind: 'passed' | 'failed';
      readonly report: ValidationReport;
      /** Where the result was recorded, or why not. */
      readonly incident: IncidentLink;
      /** For a failure: run it again once the failed checks are fixed. */
      readonly remedies?: readonly Remedy[];
    }
  | Refused;

/**
 * validate: the suite and the built-in checks (branch, config, cluster, image, server-side dry-run).
 * Each step and its output streams through the Interaction; the checks are in the report.
 */
export async function validate(env: AppEnv, request: ValidateRequest): Promise<ValidateOutcome> {
  const { target, suite } = request;
  if (target === undefined && suite === undefined) {
    return refusal('Nothing to validate.', 'Name a target (its validate: suite and cluster checks) and/or a suite.', 'input', [remedy('validate', { target: FILL_IN })]);
  }
  if (request.image !== undefined) {
    const checked = checkImageReference(request.image, 'the image');
    if (!checked.ok) return refusedWith(checked);
  }
  const ws = await env.workspace();
  if (!ws.ok) return refusedWith(ws);
  const unknown = unknownNames(ws.value.config, target, suite);
  if (unknown) return refusedWith(unknown);

  let deploy: DeployContext | Failed | undefined;
  let image = request.image;
  if (target !== undefined) {
    const opened = await env.target(target);
    // A wrong kubeconfig or context is the person's to fix; a cluster that does not answer is a failed check.
    if (!opened.ok && isInputFailure(opened)) return refusedWith(opened);
    deploy = opened.ok ? opened.value.context : opened;
    if (opened.ok) {
      noteTarget(env, opened.value);
      if (image === undefined) {
        const resolved = await defaultImage(ws.value, opened.value.target.image);
        if (resolved && !resolved.ok) return refusedWith({ ...resolved, failure: resolved.failure ?? 'input' });
        if (resolved) image = resolved.value;
      }
    }
  }
  const link = await linkIncident(env, request.incident);
  if (link.note && request.incident !== undefined) return refusal(link.note, undefined, 'input');

  const { report, link: recorded } = await runSuite(env, {
    workspace: ws.value,
    ...(deploy ? { deploy } : {}),
    ...(target !== undefined ? { target } : {}),
    ...(suite !== undefined ? { suite } : {}),
    ...(image !== undefined ? { image } : {}),
    ...(link.incident ? { incident: link.incident } : {}),
  });
  if (report.pass) return { kind: 'passed', report, incident: recorded };
  const again = remedy('validate', { ...(target !== undefined ? { target } : {}), ...(suite !== undefined ? { suite } : {}) }, { why: 'once the failed checks are fixed' });
  return { kind: 'failed', report, incident: recorded, remedies: [again] };
}

export interface GateRequest {
  readonly image: string;
  /** HEAD's commit: a saved report must be of it. */
  readonly sha?: string;
  /** The incident the deploy belongs to. */
  readonly incident?: string;
  /** Why no incident is linked although one could be (several open, a store error). */
  readonly incidentNote?: string;
  /** The person's reason to deploy past a failed validation. */
  readonly override?: string;
  /** The deploy as asked, so the remedies repeat it with the option that helps; default: deploy of the target and image. */
  readonly again?: Again;
  /** The person confirmed a deploy of a protected target (the engine refuses it otherwise, before the suite would run); default true. */
  readonly confirmed?: boolean;
}

export type GateOutcome =
  /** The deploy may go on: no suite, a saved passing report for HEAD, or the suite passed now (`ran`). */
  | { readonly kind: 'through'; readonly suite?: string; readonly ran?: ValidationReport }
  /** The suite could not run: the repository could not be opened for it (a configured branch gone). */
  | { readonly kind: 'refused'; readonly refused: Refused }
  /** The suite failed and was not overridden (`override` says why an override given was refused). */
  | { readonly kind: 'blocked'; readonly suite: string; readonly report: ValidationReport; readonly failed: Failed; readonly override?: OverrideRefusal }
  /** The suite failed and the person deployed past it, for a SEV0/SEV1 incident: audited and in the timeline. */
  | {
      readonly kind: 'overridden';
      readonly suite: string;
      readonly report: ValidationReport;
      readonly incident: LinkedSeverity;
      readonly actor: string;
      readonly reason: string;
      /** `validation failed (lint); deploying anyway: overridden for INC-1 (SEV1) by Ada: the fix is one line`. */
      readonly summary: string;
    };

function againOf(opened: OpenDeploy, request: Pick<GateRequest, 'again' | 'image'>): Again {
  return request.again ?? { operation: 'deploy', options: { target: opened.target.name, image: request.image } };
}

/**
 * The validation gate of a deploy (the deploy use case's step): through, blocked (nothing written;
 * the remedies run the suite alone, or deploy past it with a reason), or overridden. Says as it goes
 * whether a saved report covers HEAD, each step and check when the suite runs, and an override.
 */
export async function validationGate(env: AppEnv, opened: OpenDeploy, request: GateRequest): Promise<GateOutcome> {
  const name = opened.target.name;
  const suite = opened.repository.config.targets?.[name]?.validate;
  if (suite === undefined) {
    if (request.override !== undefined) env.interaction.note(`note: targets.${name} has no validate: suite; the validation override is not needed`);
    return { kind: 'through' };
  }
  const ctx = opened.context;
  if (opened.target.protected && request.confirmed === false) return { kind: 'through', suite };
  const covers = savedCovers(await ctx.store.read<SavedValidation>(validationKey(name)), { suite, now: ctx.clock.now(), ...(request.sha ? { sha: request.sha } : {}) });
  if (covers.ok) {
    env.interaction.note(`validation: suite ${suite} passed for ${short(request.sha)} at ${covers.value.at}`);
    return { kind: 'through', suite };
  }
  env.interaction.note(`validation: ${covers.reason}; running suite ${suite} first`);
  const workspace = await opened.workspace();
  if (!workspace.ok) return { kind: 'refused', refused: refusedWith(workspace) };
  const { report, link } = await runSuite(env, { workspace: workspace.value, deploy: ctx, target: name, suite, image: request.image, ...(request.incident ? { incident: request.incident } : {}) });
  for (const check of report.checks) env.interaction.note(checkLine(check));
  noteLink(env, link);
  if (report.pass) return { kind: 'through', suite, ran: report };
  const again = againOf(opened, request);
  const refused = blocked(report);
  const failed: Failed = {
    ...refused,
    remedies: [remedy('validate', { target: name, suite }), remedy(again.operation, { ...again.options, overrideValidation: FILL_IN }, { why: 'in a SEV0/SEV1 incident' })],
  };
  const gate = { kind: 'blocked' as const, suite, report, failed };
  if (request.override === undefined) return gate;
  return overrideGate(env, opened, gate, { reason: request.override, again, ...(request.incident ? { incident: request.incident } : {}), ...(request.incidentNote ? { incidentNote: request.incidentNote } : {}) });
}

export interface OverrideRequest {
  readonly reason: string;
  readonly incident?: string;
  readonly incidentNote?: string;
  readonly again?: Again;
}

/**
 * Deploying past a blocked gate (Deploy Anyway… after the refusal, or the reason given up front):
 * allowed only with a reason and a linked SEV0/SEV1 incident; audited and put in the timeline.
 */
export async function overrideGate(env: AppEnv, opened: OpenDeploy, gate: Extract<GateOutcome, { kind: 'blocked' }>, request: OverrideRequest): Promise<GateOutcome> {
  const severity = await severityOf(env, request.incident);
  const allowed = overrideAllowed(severity.value, request.reason, severity.note ?? request.incidentNote);
  const again = request.again ?? { operation: 'deploy', options: { target: opened.target.name } };
  if (!allowed.ok) {
    const remedies =
      allowed.refusal === 'no-reason'
        ? [remedy(again.operation, { ...again.options, overrideValidation: FILL_IN })]
        : allowed.refusal === 'no-incident'
          ? [...(allowed.remedies ?? []), remedy(again.operation, { ...again.options, incident: FILL_IN, overrideValidation: request.reason })]
          : [];
    const { refusal: why, ...failed } = allowed;
    return { ...gate, failed: { ...failed, remedies }, override: why };
  }
  const ctx = opened.context;
  await recordOverride(ctx, gate.report, allowed.value, request.reason);
  noteLink(env, await recordEvents(env, allowed.value.id, [{ type: 'validation-overridden', suite: gate.suite, target: opened.target.name, reason: request.reason }]));
  const failures = failedChecks(gate.report).map((c) => c.name).join(', ');
  const summary = `validation failed (${failures}); deploying anyway: overridden for ${allowed.value.id} (${allowed.value.severity}) by ${ctx.actor}: ${request.reason}`;
  env.interaction.warn(summary);
  return { kind: 'overridden', suite: gate.suite, report: gate.report, incident: allowed.value, actor: ctx.actor, reason: request.reason, summary };
}
