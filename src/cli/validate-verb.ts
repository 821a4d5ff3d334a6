// The validate verb's work, and the run the deploy gate shares with it: open the target (when one is
// named), run the engine with the child_process runner, stream each step, print one line per check,
// save and audit the report, and record it in the linked incident. Loaded only when needed.

import type { OpenWorkspace } from '../adapters/workspace';
import { openDeploy } from '../adapters/deploy-workspace';
import { linkedIncident, recordInIncident } from '../adapters/incident-link';
import { ChildProcessRunner } from '../adapters/verify/command-runner';
import { imageFromTemplate } from '../core/config/targets';
import type { DeployContext } from '../core/deploy/context';
import { highestRelease } from '../core/hotfix/versions';
import type { Failed, Result } from '../core/result';
import { recordValidation, summary, validate, type ValidationReport } from '../core/verify/validate';
import type { Common } from './deploy-verbs';
import { EXIT, type ExitCode } from './exit-codes';
import { reporter, short } from './output';
import type { Io } from './program';

export interface ValidateOptions extends Common {
  readonly environment?: string;
  readonly target?: string;
  readonly testSuite?: string;
  readonly image?: string;
  readonly incident?: string;
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

/** Runs, prints, saves, audits and records in the incident; the report decides the exit code. */
export async function runValidation(io: Io, json: boolean, run: ValidationRun): Promise<ValidationReport> {
  // With --json stdout carries one document: the steps' output goes to stderr.
  const write = (text: string) => (json ? io.err(text) : io.out(text));
  const { workspace } = run;
  const hotfix = workspace.context;
  const report = await validate(
    {
      runner: new ChildProcessRunner(workspace.location.root),
      clock: hotfix.clock,
      git: { repo: hotfix.git, settings: hotfix.settings },
      ...(run.deploy ? { deploy: run.deploy } : {}),
      ...(run.signal ? { signal: run.signal } : {}),
      progress: (message) => write(`${message}\n`),
      onOutput: (_step, line) => write(`  │ ${line}\n`),
    },
    {
      config: workspace.config,
      ...(run.target !== undefined ? { target: run.target } : {}),
      ...(run.suite !== undefined ? { suite: run.suite } : {}),
      ...(run.image !== undefined ? { image: run.image } : {}),
    },
  );
  for (const check of report.checks) {
    const mark = check.skipped ? '–' : check.pass ? '✓' : '✗';
    write(`${mark} ${check.kind === 'suite' ? 'step ' : ''}${check.name}${check.dryRun ? ' (dry run)' : ''}: ${check.reason}\n`);
  }
  const actor = (await hotfix.git.identity()) ?? 'unknown';
  await recordValidation(hotfix, actor, report);
  const root = workspace.location.root;
  const linked = await recordInIncident(root, run.incident, [
    { type: 'validated', suite: report.suite ?? '(built-in checks)', pass: report.pass, summary: summary(report), ...(report.target !== undefined ? { target: report.target } : {}), ...(report.sha !== undefined ? { sha: report.sha } : {}) },
  ]);
  if (linked.note) write(`warning: the incident timeline was not updated: ${linked.note}\n`);
  else if (linked.incident) write(`recorded in ${linked.incident}'s timeline\n`);
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

function interruptible(write: (text: string) => void): AbortSignal {
  const abort = new AbortController();
  const stop = (signal: NodeJS.Signals) => {
    if (abort.signal.aborted) process.exit(130);
    write(`${signal}: stopping the running step (again to exit now)\n`);
    abort.abort();
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
  return abort.signal;
}

export async function validateVerb(io: Io, options: ValidateOptions): Promise<ExitCode> {
  const json = options.json === true;
  const out = reporter(io, json);
  if (options.environment !== undefined && options.target !== undefined && options.environment !== options.target) {
    return out.failure(`--environment=${options.environment} and --target=${options.target} name different targets.`, 'Pass one of them.', EXIT.usage);
  }
  const target = options.environment ?? options.target;
  if (target === undefined && options.testSuite === undefined) {
    return out.failure('Nothing to validate.', 'Pass --environment=TARGET (its validate: suite and cluster checks) and/or --test-suite=NAME.', EXIT.usage);
  }
  const dir = options.repo ?? process.cwd();
  const { openWorkspace } = await import('../adapters/workspace.js');
  const workspace = await openWorkspace(dir);
  if (!workspace.ok) return out.failure(workspace.reason, workspace.hint, EXIT.failed);
  const signal = interruptible((text) => io.err(text));

  let deploy: DeployContext | Failed | undefined;
  let image = options.image;
  if (target !== undefined) {
    const opened = await openDeploy(dir, target, { ...(options.kubeconfig ? { kubeconfig: options.kubeconfig } : {}), signal });
    deploy = opened.ok ? opened.value.context : opened;
    if (opened.ok) {
      const { kube, target: t } = opened.value;
      out.line(`target ${t.name} (${t.strategy}${t.protected ? ', protected' : ''}): context ${kube.context} (${kube.server}), namespace ${t.namespace}`);
      if (image === undefined) {
        const resolved = await defaultImage(workspace.value, t.image);
        if (resolved && !resolved.ok) return out.failure(resolved.reason, resolved.hint, EXIT.usage);
        if (resolved) image = resolved.value;
      }
    }
  }
  const link = await linkedIncident(workspace.value.location.root, options.incident);
  if (link.note && options.incident !== undefined) return out.failure(link.note, undefined, EXIT.usage);

  const report = await runValidation(io, json, {
    workspace: workspace.value,
    ...(deploy ? { deploy } : {}),
    ...(target !== undefined ? { target } : {}),
    ...(options.testSuite !== undefined ? { suite: options.testSuite } : {}),
    ...(image !== undefined ? { image } : {}),
    ...(link.incident ? { incident: link.incident } : {}),
    signal,
  });
  const what = `${report.suite ? `suite ${report.suite}` : 'built-in checks'}${report.target ? ` for ${report.target}` : ''} at ${short(report.sha)}`;
  if (report.pass) {
    const saved = report.target ? '; saved for deploy' : '';
    return out.result({ pass: true, report }, [`Validation passed: ${what}: ${summary(report)} in ${report.ms} ms${saved}.`]);
  }
  return out.failure(`Validation failed: ${what}: ${summary(report)}.`, 'Fix the failed checks and run validate again.', EXIT.failed, { pass: false, report });
}
