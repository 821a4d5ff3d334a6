// The deploy verbs as renderings of the application layer (src/app/deploy.ts, rollback.ts): parse the
// flags, build the environment, call the operation, print its outcome and pick the exit code. Loaded
// only when a deploy verb runs, so other verbs do not pay for the Kubernetes client.

import { deployOperation, resumeOperation, STRATEGIES, type DeployResult } from '../app/deploy';
import type { AfterGitops } from '../app/gitops-guard';
import { preparedLines, type PreparedManifests } from '../app/gitops-prepare-run';
import { retireOperation, rollbackOperation, targetsOperation } from '../app/rollback';
import type { DeployStrategy } from '../core/config/types';
import { autoscalerLine } from '../core/deploy/autoscaler';
import { remedy } from '../core/remedy';
import { rolloutLines } from '../app/rollout';
import { cliEnv, type CommonFlags } from './compose';
import { stoppedWith } from './refused';
import { remedyLine } from './remedy';
import { EXIT, type ExitCode } from './exit-codes';
import { interruptibly } from './interrupt';
import { reporter, type Reporter } from './output';
import type { Io } from './program';

export interface GitopsFlags {
  readonly pauseGitops?: boolean;
  readonly ignoreGitops?: boolean;
}

export type Common = Omit<CommonFlags, 'yes'>;

type DeployOptions = Common & { target: string; image?: string; strategy?: string; incident?: string; continue?: boolean; promote?: boolean; yes?: boolean; overrideValidation?: string } & GitopsFlags;

/** What the first Ctrl-C says, on stderr. */
const stopping = (out: Reporter) => (signal: NodeJS.Signals) => out.progress(`${signal}: stopping at the next safe point (again to exit now)`);

function gitopsChoice(out: Reporter, flags: GitopsFlags): 'pause' | 'ignore' | undefined | ExitCode {
  if (flags.pauseGitops && flags.ignoreGitops) return out.failure('--pause-gitops and --ignore-gitops contradict each other.', 'Pass one of them.', EXIT.usage);
  return flags.pauseGitops ? 'pause' : flags.ignoreGitops ? 'ignore' : undefined;
}

/** The GitOps pause that stays after the change, and the command that restores it. */
function gitopsLines(out: Reporter, done: AfterGitops | undefined): void {
  if (done && done.pending.length > 0 && done.remedy) out.line(`  ${remedyLine(done.remedy)}`);
}

function manifestsLines(out: Reporter, prepared: PreparedManifests | undefined): void {
  if (!prepared) return;
  out.line('Manifests (so that git says what runs when auto-sync is back):');
  for (const line of preparedLines(prepared)) out.line(`  ${line}`);
}

export function deployVerb(io: Io, options: DeployOptions): Promise<ExitCode> {
  const out = reporter(io, options.json === true);
  const gitops = gitopsChoice(out, options);
  if (typeof gitops === 'number') return Promise.resolve(gitops);
  if (options.strategy !== undefined && !STRATEGIES.includes(options.strategy as DeployStrategy)) {
    return Promise.resolve(out.failure(`"${options.strategy}" is not a strategy.`, `Use ${STRATEGIES.join(', ')}.`, EXIT.usage));
  }
  if (options.promote && (options.continue || options.image !== undefined)) {
    return Promise.resolve(out.failure('--promote acts on the unfinished canary alone.', 'Run deploy --target=NAME --promote without --continue or --image.', EXIT.usage));
  }
  const strategy = options.strategy as DeployStrategy | undefined;
  return interruptibly(stopping(out), async (signal) => {
    const env = cliEnv(io, out, options, signal);
    const result =
      options.continue || options.promote
        ? await resumeOperation(env, { target: options.target, how: options.continue ? 'continue' : 'promote', ...(strategy ? { strategy } : {}) })
        : await deployOperation(env, {
            target: options.target,
            ...(options.image !== undefined ? { image: options.image } : {}),
            ...(strategy ? { strategy } : {}),
            ...(options.incident !== undefined ? { incident: options.incident } : {}),
            ...(options.overrideValidation !== undefined ? { overrideValidation: options.overrideValidation } : {}),
            ...(gitops ? { gitops } : {}),
          });
    return report(out, result);
  });
}

function report(out: Reporter, result: DeployResult): ExitCode {
  switch (result.kind) {
    case 'deployed': {
      gitopsLines(out, result.gitops);
      manifestsLines(out, result.manifests);
      const { outcome } = result;
      const lines = [outcome.message];
      if (outcome.state.strategy === 'blue-green' && !outcome.state.retiredAt) lines.push(`  then: hotfix-deployer retire --target=${result.opened.target.name} (--now to scale it down sooner)`);
      if (outcome.rollout) {
        lines.push(...rolloutLines(outcome.rollout).slice(1));
        if (outcome.rollout.awaitingPromotion) lines.push(`  ${remedyLine(remedy('rollout', { target: result.opened.target.name, action: 'promote' }))}`);
      }
      return out.result({ deployed: true, message: outcome.message, state: outcome.state, ...(outcome.rollout ? { rollout: outcome.rollout } : {}) }, lines);
    }
    case 'rolled-back': {
      const { outcome } = result;
      if (outcome.rollout) for (const line of rolloutLines(outcome.rollout).slice(1)) out.line(line);
      return out.failure(`The deploy failed: ${outcome.reason}`, `Rolled back automatically: ${outcome.message}.`, EXIT.failed, { rolledBack: outcome.message, state: outcome.state, ...(outcome.rollout ? { rollout: outcome.rollout } : {}) });
    }
    case 'stopped':
      return out.failure(
        result.outcome.reason,
        result.outcome.state.strategy === 'argo-rollout' ? `Follow it: ${remedyLine(remedy('rollout', { target: result.opened.target.name, action: 'status', watch: true }))}` : 'Resume with deploy --continue, or undo with rollback.',
        EXIT.stopped,
        { state: result.outcome.state, ...(result.outcome.rollout ? { rollout: result.outcome.rollout } : {}) },
      );
    default:
      return stoppedWith(out, result);
  }
}

type RollbackOptions = Common & { target: string; version: string; toRevision?: string; immediate?: boolean; yes?: boolean; incident?: string } & GitopsFlags;

export function rollbackVerb(io: Io, options: RollbackOptions): Promise<ExitCode> {
  const out = reporter(io, options.json === true);
  const gitops = gitopsChoice(out, options);
  if (typeof gitops === 'number') return Promise.resolve(gitops);
  if (options.toRevision !== undefined && options.version !== 'previous') {
    return Promise.resolve(out.failure('--to-revision and --version say the same thing twice.', 'Pass --to-revision alone.', EXIT.usage));
  }
  const which = options.toRevision ?? options.version;
  let toRevision: number | undefined;
  if (which !== 'previous') {
    toRevision = Number(which);
    if (!/^\d+$/.test(which) || !Number.isSafeInteger(toRevision) || toRevision < 1) {
      return Promise.resolve(out.failure(`"${which}" is not a revision.`, `Give a revision number as hotfix-deployer history --target=${options.target} lists them, or leave it out for the previous one.`, EXIT.usage));
    }
  }
  return interruptibly(stopping(out), async (signal) => {
    const env = cliEnv(io, out, options, signal);
    const result = await rollbackOperation(env, {
      target: options.target,
      ...(toRevision !== undefined ? { toRevision } : {}),
      immediate: options.immediate === true,
      ...(options.incident !== undefined ? { incident: options.incident } : {}),
      ...(gitops ? { gitops } : {}),
    });
    if (result.kind !== 'rolled-back') return stoppedWith(out, result);
    gitopsLines(out, result.gitops);
    manifestsLines(out, result.manifests);
    const { outcome } = result;
    return out.result(
      { rolledBack: true, message: outcome.message, ms: outcome.ms, ...(result.incident ? { incident: result.incident } : {}), ...(outcome.rollout ? { rollout: outcome.rollout } : {}) },
      [`Rolled back in ${outcome.ms} ms: ${outcome.message}.`, ...(outcome.rollout ? rolloutLines(outcome.rollout).slice(1) : [])],
    );
  });
}

export async function targetsVerb(io: Io, options: Common): Promise<ExitCode> {
  const out = reporter(io, options.json === true);
  const result = await targetsOperation(cliEnv(io, out, options));
  if (result.kind === 'refused') return stoppedWith(out, result);
  const { rows, unread } = result;
  if (rows.length === 0) return out.result({ targets: [] }, ['No deploy targets: add them under targets: in .hotfix/config.yaml.']);
  const lines: string[] = [];
  for (const s of rows) {
    if (!('deployments' in s)) {
      lines.push(`${s.target}: ${s.error}`);
      continue;
    }
    lines.push(`${s.target} (${s.strategy}${s.protected ? ', protected' : ''}) context ${s.context}, namespace ${s.namespace}${s.liveColour ? `, live ${s.liveColour}` : ''}`);
    // A Rollout's ReplicaSets are listed in its own block, with their roles.
    for (const d of s.rollout ? [] : s.deployments) {
      const pods = d.updated !== undefined ? `, ${d.updated} updated, ${d.ready ?? 0} ready` : '';
      lines.push(`  ${d.live ? '*' : ' '} ${d.kind === 'Deployment' ? '' : `${d.kind} `}${d.name} ${d.images.join(', ')} rev ${d.revision ?? '-'} ${d.available}/${d.replicas} available${pods}`);
    }
    if (s.rollout) lines.push(...rolloutLines(s.rollout).map((l) => `  ${l}`));
    if (s.helm) lines.push(`  Helm release ${s.helm.release} in ${s.helm.namespace}${s.helm.configured ? '' : ' (from its annotations)'}: history --target=${s.target} lists its revisions`);
    for (const a of s.autoscalers ?? []) lines.push(`  ${autoscalerLine(a)}`);
    if (s.canary) {
      const at = s.canary.step !== undefined ? `step ${s.canary.step} of ${s.canary.steps.length} (${s.canary.phase ?? ''}), ` : '';
      lines.push(`  canary ${at}${s.canary.weight}% of traffic (${s.canary.traffic})${s.canary.error ? `: ${s.canary.error}` : ''}`);
    }
    if (s.error) lines.push(`  ${s.error}`);
    if (s.last && s.last.finishedAt === undefined) lines.push(`  unfinished deploy of ${s.last.image} by ${s.last.actor} since ${s.last.startedAt}: deploy --continue or rollback`);
  }
  const states = rows.map((s) => ('deployments' in s ? s : { target: s.target, error: s.error }));
  // A pipeline that records or backs up the live state must not pass with a target it could not read.
  if (unread.length > 0) {
    for (const line of lines) out.line(line);
    return out.failure(`${unread.length} of ${rows.length} target${rows.length === 1 ? '' : 's'} could not be read: ${unread.join(', ')}.`, 'Check the kube context and the connection; the others are listed.', EXIT.failed, { targets: states });
  }
  return out.result({ targets: states }, lines);
}

export function retireVerb(io: Io, options: Common & { target: string; now?: boolean; yes?: boolean }): Promise<ExitCode> {
  const out = reporter(io, options.json === true);
  return interruptibly(stopping(out), async (signal) => {
    const result = await retireOperation(cliEnv(io, out, options, signal), { target: options.target, now: options.now === true });
    if (result.kind === 'refused' || result.kind === 'cancelled') return stoppedWith(out, result);
    const { outcome } = result;
    const lines = [outcome.message];
    if (outcome.kind === 'not-due') lines.push(`  scale it down now: hotfix-deployer retire --target=${options.target} --now`);
    return out.result({ retired: outcome.kind === 'retired', message: outcome.message, ...(outcome.kind === 'not-due' ? { dueAt: outcome.dueAt } : {}) }, lines);
  });
}
