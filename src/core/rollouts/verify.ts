// `verify` of an argo-rollout target: the Rollout's own analysis is its verdict. Every interval for the
// duration the Rollout is read; Degraded (an AnalysisRun failed, the controller aborted) fails the watch
// with the one line that says which metric, its value and its condition. Health endpoints and metric
// gates configured beside it are watched as for any target (app/verify.ts), and the Rollout read after.

import type { DeployContext } from '../deploy/context';
import type { WatchReport } from '../verify/watch';
import { rolloutOf } from './actions';
import { readRollout, statusLine, type RolloutInfo } from './info';

export interface RolloutVerdict {
  readonly report: WatchReport;
  readonly info?: RolloutInfo;
}

/** The verdict a Rollout gives: fail when Degraded, with the analysis failure as the reason. */
export function judgeRollout(info: RolloutInfo): { readonly pass: boolean; readonly reason: string } {
  if (info.phase === 'Degraded') return { pass: false, reason: info.failure ?? `Rollout ${info.name} is ${statusLine(info)}` };
  const last = info.analysisRuns[0];
  return { pass: true, reason: `Rollout ${info.name} is ${statusLine(info)}${last ? `; its newest AnalysisRun ${last.name} is ${last.phase}` : ''}` };
}

export async function followRollout(ctx: DeployContext, input: { readonly durationMs: number; readonly intervalMs: number; readonly onRound?: (line: string, index: number) => void }): Promise<RolloutVerdict> {
  const name = rolloutOf(ctx);
  const started = ctx.clock.now().getTime();
  const elapsed = () => ctx.clock.now().getTime() - started;
  let rounds = 0;
  let info: RolloutInfo | undefined;
  for (;;) {
    if (ctx.signal?.aborted) return { report: { outcome: 'stopped', reason: 'stopped before the time was up', rounds, ms: elapsed(), measurements: [] }, ...(info ? { info } : {}) };
    const read = await readRollout(ctx.cluster.rollouts, ctx.target.namespace, name);
    rounds++;
    if (!read) return { report: { outcome: 'fail', reason: `There is no Argo Rollout ${name} in ${ctx.target.namespace}.`, rounds, ms: elapsed(), measurements: [] } };
    info = read.info;
    const verdict = judgeRollout(info);
    input.onRound?.(`${verdict.pass ? 'pass' : 'fail'}: ${verdict.reason}`, rounds - 1);
    if (!verdict.pass) return { report: { outcome: 'fail', reason: verdict.reason, rounds, ms: elapsed(), measurements: [] }, info };
    const left = input.durationMs - elapsed();
    if (left <= 0) return { report: { outcome: 'pass', reason: `${rounds} round${rounds === 1 ? '' : 's'} over ${Math.round(elapsed() / 1000)}s passed: ${verdict.reason}`, rounds, ms: elapsed(), measurements: [] }, info };
    try {
      await ctx.clock.sleep(Math.min(input.intervalMs, left), ctx.signal);
    } catch {
      return { report: { outcome: 'stopped', reason: 'stopped before the time was up', rounds, ms: elapsed(), measurements: [] }, info };
    }
  }
}
