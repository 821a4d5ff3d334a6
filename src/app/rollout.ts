// Argo Rollouts, written once for every front end: the Rollout a target drives (detected, or refused
// when another strategy would fight it), its verbs (promote, promote --full, abort, retry, pause,
// resume, undo, restart) confirmed, audited and put on the incident timeline, and its status, once or
// followed as `kubectl argo rollouts status --watch` does, with the analysis explained.

import type { OpenDeploy } from '../adapters/deploy-workspace';
import type { DeployStrategy } from '../core/config/types';
import type { EventPayload } from '../core/incident/events';
import { remedy } from '../core/remedy';
import { ROLLOUT_ACTIONS, rolloutAction, rolloutOf, type RolloutAction } from '../core/rollouts/actions';
import { resolveRolloutTarget } from '../core/rollouts/detect';
import { readRollout, statusLine, stepLine, type RolloutInfo } from '../core/rollouts/info';
import { watchRollout, type WatchEnd } from '../core/rollouts/watch';
import { chooseIncident, confirmTarget, openTarget, refusal, refusedWith, stopped, type Cancelled, type Refused } from './deploy-steps';
import type { AppEnv } from './env';
import { recordEvents } from './incident-link';
import { noteLink } from './narrate';

export { ROLLOUT_ACTIONS, type RolloutAction, type RolloutInfo };

/**
 * The target with the Argo Rollout in charge resolved: a defaulted strategy becomes argo-rollout when
 * a Rollout has the app; another strategy is refused when a Rollout manages what it would write. An
 * unreachable cluster leaves the target as it is: the operation says so in its own words.
 */
export async function resolveRollout(opened: OpenDeploy, strategy?: DeployStrategy): Promise<OpenDeploy | Refused> {
  const target = strategy ? { ...opened.target, strategy, strategyDefaulted: false } : opened.target;
  let resolved;
  try {
    resolved = await resolveRolloutTarget(opened.context.cluster, target);
  } catch {
    return { ...opened, target, context: { ...opened.context, target } };
  }
  if (!resolved.ok) return refusedWith(resolved);
  return { ...opened, target: resolved.value, context: { ...opened.context, target: resolved.value } };
}

/** Opens the target and requires it to be an argo-rollout one. */
async function openRollout(env: AppEnv, name: string): Promise<OpenDeploy | Refused> {
  const opened = await openTarget(env, name);
  if (stopped(opened)) return opened;
  const resolved = await resolveRollout(opened);
  if (stopped(resolved)) return resolved;
  if (resolved.target.strategy !== 'argo-rollout') {
    return refusal(`${name} is not an Argo Rollout target (its strategy is ${resolved.target.strategy}, and no Rollout has app ${resolved.target.app} in ${resolved.target.namespace}).`, `Set targets.${name}.strategy: argo-rollout for a Rollout; other targets deploy and roll back as they are.`, 'input', [remedy('targets')]);
  }
  return resolved;
}

export interface RolloutActionRequest {
  readonly target: string;
  readonly action: RolloutAction;
  /** undo: the revision; default the previous one. */
  readonly toRevision?: number;
  readonly incident?: string;
}

export type RolloutActionResult =
  | { readonly kind: 'done'; readonly action: RolloutAction; readonly message: string; readonly info: RolloutInfo; readonly opened: OpenDeploy; readonly incident?: string }
  | Refused
  | Cancelled;

const WORDS: Readonly<Record<RolloutAction, string>> = {
  promote: 'Promote',
  'promote-full': 'Fully promote (skip the remaining steps, pauses and analysis of)',
  abort: 'Abort (traffic back to stable for)',
  retry: 'Retry the aborted update of',
  pause: 'Pause',
  resume: 'Resume',
  undo: 'Undo',
  restart: 'Restart the pods of',
};

export async function rolloutActionOperation(env: AppEnv, request: RolloutActionRequest): Promise<RolloutActionResult> {
  const options = { target: request.target, action: request.action === 'promote-full' ? 'promote' : request.action, ...(request.action === 'promote-full' ? { full: true } : {}), ...(request.toRevision !== undefined ? { toRevision: request.toRevision } : {}) };
  const again = { operation: 'rollout' as const, options };
  const opened = await openRollout(env, request.target);
  if (stopped(opened)) return opened;
  const name = rolloutOf(opened.context);
  const which = request.action === 'undo' ? ` to ${request.toRevision !== undefined ? `revision ${request.toRevision}` : 'the previous revision'}` : '';
  const declined = await confirmTarget(env, opened, { action: `${WORDS[request.action]} Rollout ${name}${which} (${request.target})`, verb: `${request.action} of Rollout ${name}`, again });
  if (declined) return declined;
  const link = await chooseIncident(env, request.incident, `${WORDS[request.action]} Rollout ${name}`, again);
  if (stopped(link)) return link;
  const outcome = await rolloutAction(opened.context, request.action, { confirmed: true, ...(request.toRevision !== undefined ? { toRevision: request.toRevision } : {}) });
  if (outcome.kind === 'refused') return refusedWith(outcome);
  const event: EventPayload = { type: 'rollout-action', target: request.target, rollout: name, action: request.action, text: outcome.message.slice(0, 1000) };
  noteLink(env, await recordEvents(env, link.incident, [event]));
  return { kind: 'done', action: request.action, message: outcome.message, info: outcome.info, opened, ...(link.incident ? { incident: link.incident } : {}) };
}

export type RolloutStatusResult = { readonly kind: 'status'; readonly info: RolloutInfo; readonly end?: WatchEnd; readonly opened: OpenDeploy } | Refused;

/** The Rollout now, or followed until Healthy or Degraded (or the timeout), reporting each change. */
export async function rolloutStatusOperation(env: AppEnv, request: { readonly target: string; readonly watch?: boolean; readonly timeoutMs?: number }): Promise<RolloutStatusResult> {
  const opened = await openRollout(env, request.target);
  if (stopped(opened)) return opened;
  const ctx = opened.context;
  const name = rolloutOf(ctx);
  if (!request.watch) {
    const read = await readRollout(ctx.cluster.rollouts, ctx.target.namespace, name);
    if (!read) return refusal(`There is no Argo Rollout ${name} in ${ctx.target.namespace}.`, `Check targets.${request.target}.app.`, 'not-found');
    return { kind: 'status', info: read.info, opened };
  }
  const watched = await watchRollout(ctx, name, { ...(request.timeoutMs !== undefined ? { timeoutMs: request.timeoutMs } : {}) });
  if (!watched) return refusal(`There is no Argo Rollout ${name} in ${ctx.target.namespace}.`, `Check targets.${request.target}.app.`, 'not-found');
  return { kind: 'status', info: watched.info, end: watched.end, opened };
}

/** The lines a Rollout is shown in, the same in every front end: status, step and weight, ReplicaSets, analysis. */
export function rolloutLines(info: RolloutInfo): string[] {
  const lines = [`Rollout ${info.name}: ${statusLine(info)}`];
  if (info.strategy === 'canary') lines.push(`  ${stepLine(info)}`);
  for (const rs of info.replicaSets.filter((r) => r.role !== 'old' || r.replicas > 0)) {
    lines.push(`  ${rs.role} ${rs.name}${rs.revision !== undefined ? ` rev ${rs.revision}` : ''} ${rs.images.join(', ')} ${rs.ready}/${rs.replicas} ready`);
  }
  const runs = info.analysisRuns.slice(0, 3);
  for (const run of runs) {
    lines.push(`  AnalysisRun ${run.name}: ${run.phase}${run.message ? ` (${run.message})` : ''}`);
    for (const m of run.metrics) {
      const values = m.measurements.map((x) => x.value ?? x.phase).slice(-5).join(', ');
      lines.push(`    ${m.name}: ${m.phase ?? 'Pending'}${values ? ` [${values}]` : ''}${m.failureCondition ? ` failureCondition ${m.failureCondition}` : ''}${m.successCondition ? ` successCondition ${m.successCondition}` : ''}`);
    }
  }
  if (info.failure) lines.push(`  ${info.failure}`);
  return lines;
}
