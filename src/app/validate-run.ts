// A validation run and the deploy's validation gate, for the CLI and VS Code alike: run the engine with
// the child_process runner, stream each step, one line per check, save and audit the report, record it
// in the linked incident; the gate decides whether a deploy may go on and applies an override.

import type { DeployContext } from '../core/deploy/context';
import { readIncident } from '../core/incident/query';
import { imageFromTemplate } from '../core/config/targets';
import { highestRelease } from '../core/hotfix/versions';
import { succeeded, type Failed, type Result } from '../core/result';
import { failedChecks, recordValidation, summary, validate, validationKey, type SavedValidation, type ValidationCheck, type ValidationReport } from '../core/verify/validate';
import { overrideAllowed, recordOverride, savedCovers, type LinkedSeverity } from '../core/verify/validate-gate';
import type { OpenDeploy } from '../adapters/deploy-workspace';
import { recordInIncident } from './incident-link';
import { openIncidents } from '../adapters/incident-workspace';
import { ChildProcessRunner } from '../adapters/verify/command-runner';
import type { OpenWorkspace } from '../adapters/workspace';

/** Where a run's words go: the CLI prints them, VS Code writes them to its log and progress. */
export interface ValidationOutput {
  /** A step starts: `▶ unit: npm test`. */
  progress(message: string): void;
  /** One line of a running step's output. */
  output(step: string, line: string): void;
  /** A line of the result: each check, where it was recorded, a warning. */
  line(text: string): void;
  /** The gate's own lines (a saved report covers HEAD, the suite runs first); default: line. */
  note?(text: string): void;
}

export interface ValidationRun {
  readonly workspace: OpenWorkspace;
  readonly deploy?: DeployContext | Failed;
  readonly target?: string;
  readonly suite?: string;
  readonly image?: string;
  readonly incident?: string;
  readonly signal?: AbortSignal;
}

const short = (sha: string | undefined): string => (sha ? sha.slice(0, 8) : '-');

/** A check as one line: `✓ step unit: exit 0 in 40 ms`, `✗ dry-run: …`, `– branch: skipped …`. */
export function checkLine(check: ValidationCheck): string {
  const mark = check.skipped ? '–' : check.pass ? '✓' : '✗';
  return `${mark} ${check.kind === 'suite' ? 'step ' : ''}${check.name}${check.dryRun ? ' (dry run)' : ''}: ${check.reason}`;
}

/** Runs, reports each check, saves, audits and records in the incident. */
export async function runValidation(run: ValidationRun, out: ValidationOutput): Promise<ValidationReport> {
  const { workspace } = run;
  const hotfix = workspace.context;
  const report = await validate(
    {
      runner: new ChildProcessRunner(workspace.location.root),
      clock: hotfix.clock,
      git: { repo: hotfix.git, settings: hotfix.settings },
      ...(run.deploy ? { deploy: run.deploy } : {}),
      ...(run.signal ? { signal: run.signal } : {}),
      progress: (message) => out.progress(message),
      onOutput: (step, line) => out.output(step, line),
    },
    {
      config: workspace.config,
      ...(run.target !== undefined ? { target: run.target } : {}),
      ...(run.suite !== undefined ? { suite: run.suite } : {}),
      ...(run.image !== undefined ? { image: run.image } : {}),
    },
  );
  for (const check of report.checks) out.line(checkLine(check));
  const actor = (await hotfix.git.identity()) ?? 'unknown';
  await recordValidation(hotfix, actor, report);
  const root = workspace.location.root;
  const linked = await recordInIncident(root, run.incident, [
    { type: 'validated', suite: report.suite ?? '(built-in checks)', pass: report.pass, summary: summary(report), ...(report.target !== undefined ? { target: report.target } : {}), ...(report.sha !== undefined ? { sha: report.sha } : {}) },
  ]);
  if (linked.note) out.line(`warning: the incident timeline was not updated: ${linked.note}`);
  else if (linked.incident) out.line(`recorded in ${linked.incident}'s timeline`);
  return report;
}

/** The image a deploy of the target writes when none is named: its template with this release's version. */
export async function defaultImage(workspace: OpenWorkspace, template: string | undefined): Promise<Result<string> | undefined> {
  if (!template) return undefined;
  const git = workspace.context.git;
  const [sha, tags] = await Promise.all([git.resolveCommit('HEAD'), git.tags('HEAD')]);
  const release = highestRelease(tags, workspace.context.settings.tagPrefix);
  return imageFromTemplate(template, { ...(release ? { version: release.version, tag: release.name } : {}), ...(sha ? { sha } : {}) });
}

export interface GateInput {
  readonly image: string;
  readonly sha?: string;
  /** The incident the deploy is linked to. */
  readonly incident?: string;
  /** The person confirmed a deploy of a protected target (the engine refuses it otherwise, before the suite would run). */
  readonly confirmed: boolean;
}

/** Through: the deploy may go on. Failed: the suite ran and failed; the report names the checks. */
export type GateCheck = { readonly kind: 'through' } | { readonly kind: 'failed'; readonly suite: string; readonly report: ValidationReport };

/**
 * The validation gate of a target with `validate: <suite>`: a saved passing report of the suite for
 * HEAD lets the deploy through; otherwise the suite runs now. Writes its progress lines to `out`.
 */
export async function checkValidationGate(opened: OpenDeploy, input: GateInput, out: ValidationOutput): Promise<GateCheck> {
  const name = opened.target.name;
  const suite = opened.workspace.config.targets?.[name]?.validate;
  if (suite === undefined) return { kind: 'through' };
  const note = (text: string) => (out.note ? out.note(text) : out.line(text));
  const ctx = opened.context;
  if (opened.target.protected && !input.confirmed) return { kind: 'through' };
  const covers = savedCovers(await ctx.store.read<SavedValidation>(validationKey(name)), { suite, now: ctx.clock.now(), ...(input.sha ? { sha: input.sha } : {}) });
  if (covers.ok) {
    note(`validation: suite ${suite} passed for ${short(input.sha)} at ${covers.value.at}`);
    return { kind: 'through' };
  }
  note(`validation: ${covers.reason}; running suite ${suite} first`);
  const report = await runValidation(
    {
      workspace: opened.workspace,
      deploy: ctx,
      target: name,
      suite,
      image: input.image,
      ...(input.incident ? { incident: input.incident } : {}),
      ...(ctx.signal ? { signal: ctx.signal } : {}),
    },
    out,
  );
  return report.pass ? { kind: 'through' } : { kind: 'failed', suite, report };
}

/**
 * Deploying past a failed validation: allowed only with a reason and a linked SEV0/SEV1 incident;
 * audited and put in the incident's timeline. The value is the line that says so.
 */
export async function overrideValidation(
  opened: OpenDeploy,
  failure: Extract<GateCheck, { kind: 'failed' }>,
  input: { readonly reason: string; readonly incident?: string; readonly incidentNote?: string },
  out: Pick<ValidationOutput, 'line'>,
): Promise<Result<string>> {
  const root = opened.workspace.location.root;
  const incident = await incidentSeverity(root, input.incident);
  const allowed = overrideAllowed(incident.value, input.reason, incident.note ?? input.incidentNote);
  if (!allowed.ok) return allowed;
  const ctx = opened.context;
  await recordOverride(ctx, failure.report, allowed.value, input.reason);
  const linked = await recordInIncident(root, allowed.value.id, [{ type: 'validation-overridden', suite: failure.suite, target: opened.target.name, reason: input.reason }]);
  if (linked.note) out.line(`warning: the incident timeline was not updated: ${linked.note}`);
  const failures = failedChecks(failure.report).map((c) => c.name).join(', ');
  return succeeded(`validation failed (${failures}); deploying anyway: overridden for ${allowed.value.id} (${allowed.value.severity}) by ${ctx.actor}: ${input.reason}`);
}

/** The linked incident's severity, for emergency mode and the override rule. */
export async function incidentSeverity(root: string, id: string | undefined): Promise<{ value?: LinkedSeverity; note?: string }> {
  if (id === undefined) return {};
  const opened = await openIncidents(root);
  if (!opened.ok) return { note: opened.reason };
  const read = await readIncident(opened.value.context, id);
  return read.ok ? { value: { id, severity: read.value.incident.severity } } : { note: read.reason };
}
