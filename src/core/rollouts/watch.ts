// Waiting on a Rollout as `kubectl argo rollouts status --watch` does (cmd/status/status.go at v1.10.1):
// every change of "<phase> - <message>" is reported, and the wait ends at Healthy or Degraded. Unlike
// the plugin it also ends when the Rollout waits for a person (a pause step without a duration, a
// manual pause, an inconclusive analysis): a deploy should not hang on a promote nobody has given.

import { setTimeout as sleep } from 'node:timers/promises';
import type { DeployContext } from '../deploy/context';
import { readRollout, statusLine, stepLine, type RolloutInfo, type RolloutRead } from './info';

export type WatchEnd = 'healthy' | 'degraded' | 'paused' | 'timeout' | 'stopped';

export interface Watched {
  readonly end: WatchEnd;
  readonly info: RolloutInfo;
  readonly read: RolloutRead;
}

export interface WatchOptions {
  /** Undefined: wait until Healthy or Degraded, however long (the plugin's --timeout 0). */
  readonly timeoutMs?: number;
  /** End at a pause that waits for a person (deploy, undo); `status --watch` goes on through it. */
  readonly stopAtPause?: boolean;
  /** Not done before the current revision runs this image (a write the controller has not seen yet). */
  readonly image?: string;
  /** Not done before the desired revision differs from this pod template hash (an undo or restart not yet seen). */
  readonly awayFrom?: string;
}

/** Whether the controller has caught up with the write this wait is about. */
function caughtUp(read: RolloutRead, options: WatchOptions): boolean {
  const current = read.replicaSets.find((rs) => rs.hash === read.view.status.currentPodHash);
  if (options.image !== undefined && !(current?.images.includes(options.image) ?? false)) return false;
  if (options.awayFrom !== undefined && read.view.status.currentPodHash === options.awayFrom) return false;
  return true;
}

export async function watchRollout(ctx: DeployContext, name: string, options: WatchOptions = {}): Promise<Watched | undefined> {
  const started = ctx.clock.now().getTime();
  let previous = '';
  let previousStep = '';
  for (;;) {
    const read = await readRollout(ctx.cluster.rollouts, ctx.target.namespace, name);
    if (!read) return undefined;
    const { info } = read;
    const line = statusLine(info);
    if (line !== previous) {
      ctx.progress?.(line);
      previous = line;
    }
    const seen = caughtUp(read, options);
    // Before the controller has seen the write, the step is the previous update's: not worth saying.
    const step = info.strategy === 'canary' && seen && !info.message.startsWith('waiting for rollout spec update') ? stepLine(info) : '';
    if (step !== previousStep && step !== '') {
      ctx.progress?.(`  ${step}`);
      previousStep = step;
    }
    if (seen && info.phase === 'Healthy') return { end: 'healthy', info, read };
    if (seen && info.phase === 'Degraded') return { end: 'degraded', info, read };
    if (seen && options.stopAtPause && info.phase === 'Paused' && info.awaitingPromotion) return { end: 'paused', info, read };
    if (ctx.signal?.aborted) return { end: 'stopped', info, read };
    if (options.timeoutMs !== undefined && ctx.clock.now().getTime() - started >= options.timeoutMs) return { end: 'timeout', info, read };
    try {
      await sleep(ctx.pollMs ?? 1000, undefined, ctx.signal ? { signal: ctx.signal } : {});
    } catch {
      return { end: 'stopped', info, read };
    }
  }
}
