// The validate verb's work: open the target (when one is named), run the shared validation
// (src/adapters/validate-run.ts) printing each step and check, and exit by the report. Loaded only when needed.

import { openDeploy } from '../adapters/deploy-workspace';
import { linkedIncident } from '../app/incident-link';
import { defaultImage, runValidation as runShared, type ValidationOutput, type ValidationRun } from '../app/validate-run';
import type { DeployContext } from '../core/deploy/context';
import { isInputFailure, type Failed } from '../core/result';
import { unknownNames } from '../core/verify/validate-checks';
import { checkImageReference } from '../core/image-ref';
import { summary, type ValidationReport } from '../core/verify/validate';
import type { Common } from './deploy-verbs';
import { EXIT, type ExitCode } from './exit-codes';
import { interruptibly } from './interrupt';
import { reporter, short, type Reporter } from './output';
import type { OpenWorkspace } from '../adapters/workspace';
import type { Io } from './program';

export interface ValidateOptions extends Common {
  readonly environment?: string;
  readonly target?: string;
  readonly testSuite?: string;
  readonly image?: string;
  readonly incident?: string;
}

/** Runs through the shared run (src/adapters/validate-run.ts), printing; with --json the words go to stderr. */
export function runValidation(io: Io, json: boolean, run: ValidationRun): Promise<ValidationReport> {
  // With --json stdout carries one document: the steps' output goes to stderr.
  return runShared(run, cliOutput(io, json));
}

/** The shared run's words as CLI lines. */
export function cliOutput(io: Io, json: boolean): ValidationOutput {
  const write = (text: string) => (json ? io.err(text) : io.out(text));
  return {
    progress: (message) => write(`${message}\n`),
    output: (_step, line) => write(`  │ ${line}\n`),
    line: (text) => write(`${text}\n`),
  };
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
  if (options.image !== undefined) {
    const checked = checkImageReference(options.image, '--image');
    if (!checked.ok) return out.refused(checked);
  }
  const dir = options.repo ?? process.cwd();
  const { openWorkspace } = await import('../adapters/workspace.js');
  const workspace = await openWorkspace(dir);
  if (!workspace.ok) return out.refused(workspace);
  const unknown = unknownNames(workspace.value.config, target, options.testSuite);
  if (unknown) return out.refused(unknown);
  return interruptibly((signal) => io.err(`${signal}: stopping the running step (again to exit now)\n`), (signal) => validateIn(io, out, options, { dir, workspace: workspace.value, ...(target !== undefined ? { target } : {}) }, signal));
}

async function validateIn(io: Io, out: Reporter, options: ValidateOptions, where: { dir: string; workspace: OpenWorkspace; target?: string }, signal: AbortSignal): Promise<ExitCode> {
  const json = options.json === true;
  const { dir, target, workspace } = where;

  let deploy: DeployContext | Failed | undefined;
  let image = options.image;
  if (target !== undefined) {
    const opened = await openDeploy(dir, target, { ...(options.kubeconfig ? { kubeconfig: options.kubeconfig } : {}), signal });
    // A wrong kubeconfig or context is the person's to fix; a cluster that does not answer is a failed check.
    if (!opened.ok && isInputFailure(opened)) return out.refused(opened);
    deploy = opened.ok ? opened.value.context : opened;
    if (opened.ok) {
      const { kube, target: t } = opened.value;
      out.line(`target ${t.name} (${t.strategy}${t.protected ? ', protected' : ''}): context ${kube.context} (${kube.server}), namespace ${t.namespace}`);
      if (image === undefined) {
        const resolved = await defaultImage(workspace, t.image);
        if (resolved && !resolved.ok) return out.failure(resolved.reason, resolved.hint, EXIT.usage);
        if (resolved) image = resolved.value;
      }
    }
  }
  const link = await linkedIncident(workspace.location.root, options.incident);
  if (link.note && options.incident !== undefined) return out.failure(link.note, undefined, EXIT.usage);

  const report = await runValidation(io, json, {
    workspace,
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
