// `validate`: a named suite's steps (commands as argument arrays, each with a timeout) and the
// built-in checks, in one report a person can act on. Every step runs, so every failure shows at
// once; only a timeout or a cancel stops the suite. The report is saved and audited by recordValidation.

import { parseDuration } from '../config/targets';
import type { GitSettings, HotfixConfigFile, ValidateStepConfig } from '../config/types';
import type { DeployContext } from '../deploy/context';
import type { AuditLog, Clock, StateStore } from '../ports';
import type { Failed } from '../result';
import type { CommandRun, CommandRunner } from './command-port';
import { branchCheck, clusterCheck, clusterFailed, clusterSkipped, configCheck, dryRunCheck, imageCheck, suiteFor, type BranchGit, type ValidationCheck } from './validate-checks';

export type { ValidationCheck } from './validate-checks';

export const DEFAULT_STEP_TIMEOUT_MS = 600_000;
/** How much of a failed step's output the report keeps. */
const OUTPUT_TAIL = 4096;

export interface ValidateRequest {
  readonly config: HotfixConfigFile;
  readonly target?: string;
  /** Default: the target's `validate:`. */
  readonly suite?: string;
  /** The image the deploy would write; without it the image and dry-run checks are skipped. */
  readonly image?: string;
}

export interface ValidateContext {
  readonly runner: CommandRunner;
  readonly clock: Clock;
  readonly git?: { readonly repo: BranchGit; readonly settings: GitSettings };
  /** The target opened on its cluster, or why it could not be; undefined without a target. */
  readonly deploy?: DeployContext | Failed;
  readonly signal?: AbortSignal;
  /** A step starts and ends: `▶ unit: npm test`. */
  readonly progress?: (message: string) => void;
  /** One line of a running step's output. */
  readonly onOutput?: (step: string, line: string) => void;
}

export interface ValidationReport {
  readonly suite?: string;
  readonly target?: string;
  readonly sha?: string;
  readonly image?: string;
  readonly pass: boolean;
  readonly checks: readonly ValidationCheck[];
  readonly startedAt: string;
  readonly ms: number;
}

export async function validate(ctx: ValidateContext, request: ValidateRequest): Promise<ValidationReport> {
  const started = ctx.clock.now();
  const { config, target, image } = request;
  const suite = suiteFor(config, target, request.suite);
  const checks: ValidationCheck[] = [configCheck(config, target, suite)];
  let sha: string | undefined;
  if (ctx.git) {
    sha = await ctx.git.repo.resolveCommit('HEAD');
    checks.push(await branchCheck(ctx.git.repo, ctx.git.settings));
  }
  checks.push(...(await clusterChecks(ctx, target, image)));
  const steps = suite !== undefined ? (config.validate?.[suite] ?? []) : [];
  checks.push(...(await runSuite(ctx, steps)));
  return {
    ...(suite !== undefined ? { suite } : {}),
    ...(target !== undefined ? { target } : {}),
    ...(sha !== undefined ? { sha } : {}),
    ...(image !== undefined ? { image } : {}),
    pass: checks.every((c) => c.pass),
    checks,
    startedAt: started.toISOString(),
    ms: ctx.clock.now().getTime() - started.getTime(),
  };
}

async function clusterChecks(ctx: ValidateContext, target: string | undefined, image: string | undefined): Promise<ValidationCheck[]> {
  const names = ['cluster', 'image', 'dry-run'];
  if (target === undefined || ctx.deploy === undefined) return clusterSkipped(names, 'skipped: no target given');
  if ('ok' in ctx.deploy) return [clusterFailed(ctx.deploy), ...clusterSkipped(names.slice(1), 'skipped: the target could not be opened')];
  const reach = await clusterCheck(ctx.deploy);
  if (!reach.pass) return [reach, ...clusterSkipped(names.slice(1), 'skipped: the cluster check failed')];
  if (image === undefined) return [reach, ...clusterSkipped(names.slice(1), `skipped: no image given, and no targets.${target}.image to make one`)];
  return [reach, await imageCheck(ctx.deploy, image), await dryRunCheck(ctx.deploy, image)];
}

async function runSuite(ctx: ValidateContext, steps: readonly ValidateStepConfig[]): Promise<ValidationCheck[]> {
  const checks: ValidationCheck[] = [];
  let stoppedBy: string | undefined;
  for (const step of steps) {
    const dryRun = step.dryRun === true ? { dryRun: true } : {};
    if (stoppedBy !== undefined || ctx.signal?.aborted) {
      checks.push({ name: step.name, kind: 'suite', pass: false, skipped: true, reason: `not run: ${stoppedBy ?? 'cancelled'}`, ...dryRun });
      continue;
    }
    const timeoutMs = step.timeout !== undefined ? (parseDuration(step.timeout) ?? DEFAULT_STEP_TIMEOUT_MS) : DEFAULT_STEP_TIMEOUT_MS;
    ctx.progress?.(`▶ ${step.name}${step.dryRun ? ' (dry run)' : ''}: ${step.run.join(' ')}`);
    const run = await ctx.runner.run(step.run, {
      cwd: step.cwd ?? '.',
      timeoutMs,
      ...(ctx.signal ? { signal: ctx.signal } : {}),
      onOutput: (line) => ctx.onOutput?.(step.name, line),
    });
    const passed = run.exitCode === 0 && !run.timedOut && run.error === undefined;
    const reason = stepReason(run, timeoutMs);
    checks.push({ name: step.name, kind: 'suite', pass: passed, reason, ms: run.ms, ...dryRun, ...(!passed && run.output !== '' ? { output: run.output.slice(-OUTPUT_TAIL) } : {}) });
    if (run.timedOut) stoppedBy = `the suite stopped when ${step.name} timed out`;
    else if (run.aborted || ctx.signal?.aborted) stoppedBy = `the suite was cancelled during ${step.name}`;
  }
  return checks;
}

function stepReason(run: CommandRun, timeoutMs: number): string {
  if (run.error !== undefined) return run.error;
  if (run.timedOut) return `timed out: stopped after ${run.ms} ms (timeout ${timeoutMs} ms)${run.signal ? ` with ${run.signal}` : ''}`;
  if (run.aborted) return `cancelled after ${run.ms} ms`;
  if (run.exitCode === null) return `killed by ${run.signal ?? 'a signal'} after ${run.ms} ms`;
  return `exit ${run.exitCode} in ${run.ms} ms`;
}

/** The failed checks by name, for a hint: `unit (exit 1 in 40 ms), branch`. */
export function failedChecks(report: ValidationReport): ValidationCheck[] {
  return report.checks.filter((c) => !c.pass && c.skipped !== true);
}

export function summary(report: ValidationReport): string {
  const failures = failedChecks(report);
  const ran = report.checks.filter((c) => c.skipped !== true).length;
  return failures.length === 0 ? `${ran} check(s) passed` : `${failures.length} of ${ran} check(s) failed: ${failures.map((c) => c.name).join(', ')}`;
}

/** What a passing report leaves for the deploy gate. */
export interface SavedValidation {
  readonly version: 1;
  readonly target: string;
  readonly suite?: string;
  readonly sha?: string;
  readonly at: string;
  readonly pass: true;
  readonly checks: readonly { readonly name: string; readonly pass: boolean }[];
}

export function validationKey(target: string): string {
  return `validate/${target}`;
}

/** Saves a passing report of a target (for the deploy gate) and audits every run, pass or fail. */
export async function recordValidation(ports: { store: StateStore; audit: AuditLog; clock: Clock }, actor: string, report: ValidationReport): Promise<void> {
  const at = ports.clock.now().toISOString();
  if (report.pass && report.target !== undefined) {
    const saved: SavedValidation = {
      version: 1,
      target: report.target,
      at,
      pass: true,
      checks: report.checks.map((c) => ({ name: c.name, pass: c.pass })),
      ...(report.suite !== undefined ? { suite: report.suite } : {}),
      ...(report.sha !== undefined ? { sha: report.sha } : {}),
    };
    await ports.store.write(validationKey(report.target), saved);
  }
  const outcomes = Object.fromEntries(report.checks.map((c) => [`${c.kind}:${c.name}`, c.skipped ? 'skipped' : c.pass ? 'pass' : 'fail']));
  await ports.audit.append({
    at,
    actor,
    action: 'validate.run',
    subject: `validate/${report.target ?? '-'}/${report.suite ?? '-'}`,
    details: {
      pass: report.pass,
      ...(report.suite !== undefined ? { suite: report.suite } : {}),
      ...(report.target !== undefined ? { target: report.target } : {}),
      ...(report.sha !== undefined ? { sha: report.sha } : {}),
      ...(report.image !== undefined ? { image: report.image } : {}),
      ms: report.ms,
      ...outcomes,
    },
  });
}
