// Rollback, retire and the targets' live state, written once for every front end. A rollback is
// confirmed, linked to its incident, guarded against the GitOps controller that would re-apply what
// git says (perhaps the broken version), done by the engine, recorded and notified, and leaves the
// manifests change git owes. Retire scales the old blue-green colour down once keepOldFor has passed.

import type { OpenDeploy } from '../adapters/deploy-workspace';
import type { PreparedManifests } from '../adapters/gitops/manifests-repo';
import { targetNames } from '../core/config/targets';
import { describeTarget, type TargetLiveState } from '../core/deploy/describe';
import { retireOldColour, type RetireOutcome } from '../core/deploy/retire';
import { rollback, type RollbackOutcome } from '../core/deploy/rollback';
import { rollbackRollout } from '../core/rollouts/deploy';
import type { RolloutInfo } from '../core/rollouts/info';
import { chooseIncident, confirmTarget, openConfirmed, openTarget, refusedWith, stopped, type Cancelled, type Refused } from './deploy-steps';
import { afterGitops, guardGitops, readOwnersAhead, type AfterGitops, type GitOpsChoice } from './gitops-guard';
import { prepareAfterOperation } from './gitops-prepare-run';
import type { AppEnv } from './env';
import { noteLink } from './narrate';
import { recordEvents } from './incident-link';
import { resolveRollout } from './rollout';

export interface RollbackRequest {
  readonly target: string;
  /** A revision of the Deployment; undefined: the previous one. */
  readonly toRevision?: number;
  /** Do not wait for the rolled-back version to be fully available. */
  readonly immediate?: boolean;
  readonly incident?: string;
  readonly gitops?: GitOpsChoice;
}

export type RollbackResult =
  | {
      readonly kind: 'rolled-back';
      readonly outcome: Extract<RollbackOutcome, { kind: 'rolled-back' }> & { readonly rollout?: RolloutInfo };
      readonly opened: OpenDeploy;
      readonly incident?: string;
      readonly manifests?: PreparedManifests;
      readonly gitops: AfterGitops;
    }
  | Refused
  | Cancelled;

export async function rollbackOperation(env: AppEnv, request: RollbackRequest): Promise<RollbackResult> {
  const again = { operation: 'rollback' as const, options: { target: request.target, ...(request.toRevision !== undefined ? { toRevision: request.toRevision } : {}) } };
  const found = await openTarget(env, request.target);
  if (stopped(found)) return found;
  const ahead = readOwnersAhead(found.context);
  const opened = await resolveRollout(found);
  if (stopped(opened)) return opened;
  const which = request.toRevision !== undefined ? `revision ${request.toRevision}` : 'the previous revision';
  const how = opened.target.helm
    ? `helm rollback of release ${opened.target.helm.release ?? opened.target.app} to ${which}`
    : opened.target.strategy === 'argo-rollout'
      ? `${request.immediate ? 'abort the update in progress, then ' : ''}undo Rollout ${opened.target.rollout ?? opened.target.app} to ${request.toRevision !== undefined ? which : 'what ran before (stable, or the newest revision whose analysis passed)'}`
      : opened.target.strategy === 'blue-green'
      ? 'switch the Service back to the other colour'
      : `undo to ${which}`;
  const declined = await confirmTarget(env, opened, { action: `Roll back ${opened.target.name} (${how})`, verb: 'rolling back', again });
  if (declined) return declined;
  const link = await chooseIncident(env, request.incident, `Roll back ${opened.target.name}`, again);
  if (stopped(link)) return link;
  const incident = link.incident;
  // A rollback is imperative too: the controller would re-apply what git says (maybe the broken version).
  const paused = await guardGitops(env, opened, { verb: 'rolling back', button: 'Roll Back', again, ahead, ...(request.gitops ? { choice: request.gitops } : {}), ...(incident ? { incident } : {}) });
  if (stopped(paused)) return paused;
  const input = { ...(request.toRevision !== undefined ? { toRevision: request.toRevision } : {}), immediate: request.immediate === true, confirmed: true };
  const outcome = opened.target.strategy === 'argo-rollout' ? await rollbackRollout(opened.context, { ...input, ...(incident ? { reason: `incident ${incident}` } : {}) }) : await rollback(opened.context, input);
  // Rolled back: the cluster now differs from git, so the pause stays; refused: nothing changed, restore.
  const gitops = await afterGitops(env, opened, {
    outcome: outcome.kind === 'refused' ? 'refused' : 'changed',
    paused,
    ...(incident ? { incident } : {}),
    reason: `the rollback did not write anything${outcome.kind === 'refused' ? `: ${outcome.reason}` : ''}`.slice(0, 300),
  });
  if (outcome.kind === 'refused') return refusedWith(outcome);
  noteLink(env, await recordEvents(env, incident, [{ type: 'rollback', target: opened.target.name, reason: outcome.message }]));
  const manifests = await prepareAfterOperation(env, opened, { kind: 'rollback' }, incident);
  return { kind: 'rolled-back', outcome, opened, gitops, ...(incident ? { incident } : {}), ...(manifests ? { manifests } : {}) };
}

export type RetireResult = { readonly kind: 'retired' | 'not-due'; readonly outcome: Exclude<RetireOutcome, { kind: 'refused' }> } | Refused | Cancelled;

/** The old colour of the last blue-green deploy scaled down: once keepOldFor has passed, or now. */
export async function retireOperation(env: AppEnv, request: { readonly target: string; readonly now?: boolean }): Promise<RetireResult> {
  const again = { operation: 'retire' as const, options: { target: request.target, ...(request.now ? { now: true } : {}) } };
  const opened = await openConfirmed(env, { target: request.target, action: `Scale the old colour of ${request.target} down`, verb: 'scaling the old colour down', again });
  if (stopped(opened)) return opened;
  const outcome = await retireOldColour(opened.context, { now: request.now === true, confirmed: true });
  if (outcome.kind === 'refused') return refusedWith(outcome);
  return { kind: outcome.kind, outcome };
}

export type TargetRow = TargetLiveState | { readonly target: string; readonly error: string };

/** Every configured target's live state, read through the kube context; rows that could not be read say why. */
export async function targetsOperation(env: AppEnv): Promise<{ readonly kind: 'targets'; readonly rows: readonly TargetRow[]; readonly unread: readonly string[] } | Refused> {
  const ws = await env.workspace();
  if (!ws.ok) return refusedWith(ws);
  const rows: TargetRow[] = [];
  for (const name of targetNames(ws.value.config)) {
    const opened = await env.target(name);
    rows.push(opened.ok ? await describeTarget(opened.value.context) : { target: name, error: opened.reason });
  }
  // A pipeline that records or backs up the live state must not pass with a target it could not read.
  const unread = rows.filter((s) => !('deployments' in s) || s.unreachable === true).map((s) => s.target);
  return { kind: 'targets', rows, unread };
}
