// The `rollout` verbs as renderings of the application layer (src/app/rollout.ts): parse the flags,
// call the operation, print the Rollout (status line, step and weight, ReplicaSets, analysis) and pick
// the exit code: 0 done, 1 Degraded, 2 refused, 3 a watch that timed out or was stopped.

import { rolloutActionOperation, rolloutLines, rolloutStatusOperation, type RolloutAction } from '../app/rollout';
import { parseDuration } from '../core/config/targets';
import { statusLine } from '../core/rollouts/info';
import { cliEnv, type CommonFlags } from './compose';
import { EXIT, type ExitCode } from './exit-codes';
import { interruptibly } from './interrupt';
import { reporter } from './output';
import type { Io } from './program';
import { stoppedWith } from './refused';

export interface RolloutOptions extends CommonFlags {
  readonly target: string;
  readonly watch?: boolean;
  readonly timeout?: string;
  readonly full?: boolean;
  readonly toRevision?: string;
  readonly incident?: string;
}

export function statusVerb(io: Io, options: RolloutOptions): Promise<ExitCode> {
  const out = reporter(io, options.json === true);
  const timeoutMs = options.timeout !== undefined ? parseDuration(options.timeout) : undefined;
  if (options.timeout !== undefined && (timeoutMs === undefined || timeoutMs <= 0)) return Promise.resolve(out.failure(`--timeout=${options.timeout} is not a duration.`, 'Write it as 30s, 5m or 1h.', EXIT.usage));
  if (options.timeout !== undefined && !options.watch) return Promise.resolve(out.failure('--timeout goes with --watch.', 'Add --watch, or leave --timeout out.', EXIT.usage));
  return interruptibly(
    () => undefined,
    async (signal) => {
      const result = await rolloutStatusOperation(cliEnv(io, out, options, signal), { target: options.target, watch: options.watch === true, ...(timeoutMs !== undefined ? { timeoutMs } : {}) });
      if (result.kind !== 'status') return stoppedWith(out, result);
      const { info, end } = result;
      const json = { rollout: info, status: info.phase, ...(end ? { end } : {}) };
      if (info.phase === 'Degraded') {
        for (const line of rolloutLines(info).slice(1)) out.line(line);
        return out.failure(info.failure ? `Rollout ${info.name} is Degraded: ${info.failure}` : `Rollout ${info.name} is ${statusLine(info)}`, 'Roll it back, or retry it once the cause is fixed.', EXIT.failed, json);
      }
      if (end === 'timeout' || end === 'stopped') {
        for (const line of rolloutLines(info).slice(1)) out.line(line);
        return out.failure(end === 'timeout' ? `Rollout ${info.name} is still ${statusLine(info)}: the watch timed out.` : `Stopped watching Rollout ${info.name} (${statusLine(info)}).`, 'It goes on by itself; watch again.', EXIT.stopped, json);
      }
      return out.result(json, rolloutLines(info));
    },
  );
}

export function actionVerb(io: Io, verb: string, options: RolloutOptions): Promise<ExitCode> {
  const out = reporter(io, options.json === true);
  const action = (verb === 'promote' && options.full ? 'promote-full' : verb) as RolloutAction;
  let toRevision: number | undefined;
  if (options.toRevision !== undefined) {
    toRevision = Number(options.toRevision);
    if (!/^\d+$/.test(options.toRevision) || !Number.isSafeInteger(toRevision) || toRevision < 1) {
      return Promise.resolve(out.failure(`"${options.toRevision}" is not a revision.`, `Give a revision number as hotfix-deployer history --target=${options.target} lists them, or leave it out for the previous one.`, EXIT.usage));
    }
  }
  return interruptibly(
    () => undefined,
    async (signal) => {
      const result = await rolloutActionOperation(cliEnv(io, out, options, signal), {
        target: options.target,
        action,
        ...(toRevision !== undefined ? { toRevision } : {}),
        ...(options.incident !== undefined ? { incident: options.incident } : {}),
      });
      if (result.kind !== 'done') return stoppedWith(out, result);
      return out.result({ action: result.action, message: result.message, rollout: result.info, ...(result.incident ? { incident: result.incident } : {}) }, [result.message, ...rolloutLines(result.info).slice(1)]);
    },
  );
}
