// Deploy, written once for every front end: which image (given, or the target's template filled from
// HEAD's release tag and SHA), the confirmation, the incident it belongs to, emergency mode for a
// SEV0/SEV1 canary, the validation gate (and its audited override), the GitOps guard, the rollout by
// the engine's state machine, the incident timeline with each canary gate verdict and the
// notifications, the GitOps restore after a rollback, and the manifests change git now owes.
// Continue and promote resume a saved deploy; abort sends a canary's traffic back to stable.

import type { OpenDeploy } from '../adapters/deploy-workspace';
import type { PreparedManifests } from '../adapters/gitops/manifests-repo';
import { imageFromTemplate } from '../core/config/targets';
import type { DeployStrategy } from '../core/config/types';
import { record, type DeployContext, type DeployEvent } from '../core/deploy/context';
import { continueDeploy, deploy, promoteCanary, type DeployOutcome } from '../core/deploy/deploy';
import { abortCanary, type RollbackOutcome } from '../core/deploy/rollback';
import { deployRollout } from '../core/rollouts/deploy';
import type { GitOpsPaused } from '../core/deploy/state';
import { highestReachableRelease } from '../core/hotfix/versions';
import { checkImageReference } from '../core/image-ref';
import type { EventPayload } from '../core/incident/events';
import { remedy, FILL_IN } from '../core/remedy';
import { emergencyPlan } from '../core/verify/emergency';
import { deployEvents, rolloutDeployEvents, verdictEvent } from './deploy-events';
import { chooseIncident, confirmTarget, openConfirmed, openTarget, refusal, refusedWith, stopped, type Cancelled, type Refused } from './deploy-steps';
import type { AppEnv } from './env';
import { noteLink } from './narrate';
import { afterGitops, guardGitops, pendingPauses, readOwnersAhead, type AfterGitops, type GitOpsChoice } from './gitops-guard';
import { prepareAfterOperation } from './gitops-prepare-run';
import { recordEvents, severityOf } from './incident-link';
import { resolveRollout } from './rollout';
import { validationGate } from './validate';

export const STRATEGIES: readonly DeployStrategy[] = ['rolling', 'blue-green', 'canary', 'argo-rollout'];

export interface DeployRequest {
  readonly target: string;
  /** The image; undefined: the target's `image:` template, filled from HEAD. */
  readonly image?: string;
  /** Overrides the target's strategy for this deploy. */
  readonly strategy?: DeployStrategy;
  /** An incident id, or `none`; undefined: the only open one, else the person chooses. */
  readonly incident?: string;
  /** Deploy past a failed validation: why it cannot wait (a linked SEV0/SEV1 incident is needed). */
  readonly overrideValidation?: string;
  /** Argo CD or Flux would revert it: pause auto-sync first, or go on anyway (decided up front). */
  readonly gitops?: GitOpsChoice;
}

interface Ran<K extends 'deployed' | 'rolled-back' | 'stopped'> {
  readonly kind: K;
  readonly outcome: Extract<DeployOutcome, { kind: K }>;
  readonly opened: OpenDeploy;
  readonly image: string;
  readonly incident?: string;
  /** The manifests change prepared for git (gitops.manifests). */
  readonly manifests?: PreparedManifests;
  /** What happened to the GitOps auto-sync paused for it: restored, or still paused and how that ends. */
  readonly gitops?: AfterGitops;
}

/** What the front ends render: the engine's outcome and what the operation did around it. */
export type DeployResult = Ran<'deployed'> | Ran<'rolled-back'> | Ran<'stopped'> | Refused | Cancelled;

const options = (request: DeployRequest): Record<string, string | boolean> => ({
  target: request.target,
  ...(request.image !== undefined ? { image: request.image } : {}),
  ...(request.strategy !== undefined ? { strategy: request.strategy } : {}),
});

export async function deployOperation(env: AppEnv, request: DeployRequest): Promise<DeployResult> {
  // Checked before the config or the cluster are read: nothing is contacted for an image that cannot be one.
  if (request.image !== undefined) {
    const checked = checkImageReference(request.image, 'the image');
    if (!checked.ok) return refusedWith(checked);
  }
  const verdicts: EventPayload[] = [];
  const again = { operation: 'deploy' as const, options: options(request) };
  const onEvent = (event: DeployEvent) => verdicts.push(verdictEvent(request.target, event));
  const found = await openTarget(env, request.target, onEvent);
  if (stopped(found)) return found;
  const git = found.repository.git;
  const [sha, branch] = await Promise.all([git.resolveCommit('HEAD'), git.currentBranch()]);
  const image = request.image ?? (await templateImage(found, sha));
  if (typeof image !== 'string') return image;
  // An Argo Rollout has the app: deploy through it, or refuse a strategy that would fight its controller.
  // Asked only once the image is known to be one: a bad one is refused before the cluster is contacted.
  const ahead = readOwnersAhead(found.context);
  const opened = await resolveRollout(found, request.strategy);
  if (stopped(opened)) return opened;
  let ctx: DeployContext = opened.context;

  const declined = await confirmTarget(env, opened, { action: `Deploy ${image} to ${opened.target.name}`, verb: `deploying ${image}`, again: { ...again, options: { ...again.options, image } } });
  if (declined) return declined;

  // The incident this deploy belongs to (named, else the only open one, else asked) is annotated and gets the events.
  const link = await chooseIncident(env, request.incident, `Deploy ${image} to ${opened.target.name}`, { ...again, options: { ...again.options, image } });
  if (stopped(link)) return link;
  const incident = link.incident;
  const emergency = emergencyPlan(ctx.target, (await severityOf(env, incident)).value);
  if (emergency) {
    env.interaction.note(emergency.note);
    ctx = { ...ctx, target: emergency.target };
    await record(ctx, 'deploy.emergency', { incident: incident ?? '', steps: emergency.target.canary.steps.join(','), pauseMs: emergency.target.canary.pauseMs });
  }
  const planned: OpenDeploy = { ...opened, target: ctx.target, context: ctx };
  // A target with validate: deploys only after its suite passed for this commit (or a SEV0/1 override).
  const gate = await validationGate(env, planned, { image, again: { ...again, options: { ...again.options, image } }, ...(sha ? { sha } : {}), ...(incident ? { incident } : {}), ...(request.overrideValidation !== undefined ? { override: request.overrideValidation } : {}) });
  if (gate.kind === 'refused') return gate.refused;
  if (gate.kind === 'blocked') return refusedWith({ ...gate.failed, ...(gate.override === 'no-reason' ? { failure: 'input' as const } : {}) }, { validation: gate.report });
  // Argo CD or Flux would put the manifests back over this deploy: ask, warn or pause, by config and choice.
  const paused = await guardGitops(env, planned, { verb: `deploying ${image}`, button: 'Deploy', again, ctx, ahead, ...(request.gitops ? { choice: request.gitops } : {}), ...(incident ? { incident } : {}) });
  if (stopped(paused)) return paused;
  const meta = { ...(sha ? { gitSha: sha } : {}), ...(branch ? { branch } : {}), ...(incident ? { incident } : {}), ...(paused.length > 0 ? { gitopsPaused: paused as GitOpsPaused[] } : {}) };
  const outcome = ctx.target.strategy === 'argo-rollout' ? await deployRollout(ctx, { image, meta, confirmed: true }) : await deploy(ctx, { image, meta, confirmed: true });
  const events = ctx.target.strategy === 'argo-rollout' ? rolloutDeployEvents(opened.target.name, image, outcome) : deployEvents(opened.target.name, image, ctx.target.strategy, verdicts, outcome);
  if (events.length > 0) noteLink(env, await recordEvents(env, incident, events));
  const gitops = await afterGitops(env, planned, {
    ctx,
    outcome: outcome.kind,
    paused,
    ...(outcome.kind !== 'refused' ? { state: outcome.state } : {}),
    ...(incident ? { incident } : {}),
    reason: outcome.kind === 'rolled-back' ? `the deploy of ${image} rolled back: the target is back at what git says` : `the deploy of ${image} did not write anything: ${outcome.kind === 'refused' ? outcome.reason : ''}`.slice(0, 300),
  });
  return finished(env, planned, image, incident, outcome, gitops);
}

/** The target's `image:` template filled from HEAD (its release tag, its SHA), checked like a given one. */
async function templateImage(opened: OpenDeploy, sha: string | undefined): Promise<string | Refused> {
  const name = opened.target.name;
  if (!opened.target.image) {
    return refusal('No image to deploy.', `Give the image, or set targets.${name}.image (e.g. registry.example/app:{version}).`, 'input', [remedy('deploy', { target: name, image: FILL_IN })]);
  }
  const release = await highestReachableRelease(opened.repository.git, await opened.repository.tagPrefix(), 'HEAD');
  const resolved = imageFromTemplate(opened.target.image, { ...(release ? { version: release.version, tag: release.name } : {}), ...(sha ? { sha } : {}) });
  if (!resolved.ok) return refusedWith({ ...resolved, failure: resolved.failure ?? 'input' });
  const checked = checkImageReference(resolved.value, `targets.${name}.image (${opened.target.image} filled in)`);
  return checked.ok ? resolved.value : refusedWith(checked);
}

/** The image a target's template gives for HEAD, for a front end to offer before it asks (undefined: none). */
export async function suggestedImage(opened: OpenDeploy): Promise<string | undefined> {
  if (!opened.target.image) return undefined;
  const image = await templateImage(opened, await opened.repository.git.resolveCommit('HEAD'));
  return typeof image === 'string' ? image : undefined;
}

async function finished(env: AppEnv, opened: OpenDeploy, image: string, incident: string | undefined, outcome: DeployOutcome, gitops: AfterGitops): Promise<DeployResult> {
  if (outcome.kind === 'refused') return refusedWith(outcome);
  const manifests = outcome.kind === 'deployed' ? await prepareAfterOperation(env, opened, { kind: 'deploy', state: outcome.state }, incident) : undefined;
  const extra = { opened, image, gitops, ...(incident ? { incident } : {}), ...(manifests ? { manifests } : {}) };
  switch (outcome.kind) {
    case 'deployed':
      return { kind: 'deployed', outcome, ...extra };
    case 'rolled-back':
      return { kind: 'rolled-back', outcome, ...extra };
    default:
      return { kind: 'stopped', outcome, ...extra };
  }
}

/** Resume the target's unfinished deploy (continue) or promote its canary now (promote). */
export async function resumeOperation(env: AppEnv, request: { readonly target: string; readonly how: 'continue' | 'promote'; readonly strategy?: DeployStrategy }): Promise<DeployResult> {
  const continuing = request.how === 'continue';
  const again = { operation: continuing ? ('deploy' as const) : ('canary.promote' as const), options: { target: request.target, ...(continuing ? { continue: true } : {}) } };
  const opened = await openConfirmed(env, {
    target: request.target,
    action: continuing ? `Resume the deploy to ${request.target}` : `Promote the canary on ${request.target} to all traffic now`,
    verb: continuing ? 'resuming the deploy' : 'promoting the canary',
    again,
  });
  if (stopped(opened)) return opened;
  const resolved = await resolveRollout(opened, request.strategy);
  if (stopped(resolved)) return resolved;
  if (resolved.target.strategy === 'argo-rollout') return rolloutResume(resolved, continuing);
  if (!continuing && opened.target.strategy !== 'canary') return notCanary(opened);
  const ctx: DeployContext = resolved.context;
  const outcome = continuing ? await continueDeploy(ctx, true) : await promoteCanary(ctx, true);
  if (outcome.kind === 'refused') return refusedWith(outcome);
  // A resumed operation carries what it paused in its state: restored if it now rolls back.
  const incident = outcome.state.meta.incident;
  const gitops = await afterGitops(env, opened, {
    ctx,
    outcome: outcome.kind,
    paused: pendingPauses(outcome.state),
    state: outcome.state,
    ...(incident ? { incident } : {}),
    reason: outcome.kind === 'rolled-back' ? `the deploy of ${outcome.state.image} rolled back: the target is back at what git says` : `the ${continuing ? 'resumed deploy' : 'promotion'} of ${outcome.state.image} ended ${outcome.kind}`,
  });
  return finished(env, { ...opened, context: ctx }, outcome.state.image, incident, outcome, gitops);
}

/** An Argo Rollout's controller runs its own deploy: nothing is left to resume, and it is promoted as a Rollout. */
function rolloutResume(opened: OpenDeploy, continuing: boolean): Refused {
  const name = opened.target.name;
  return continuing
    ? refusal(`The Rollout of ${name} runs by its own controller: there is no deploy of this tool to resume.`, 'Follow it with its status (watch), or act on it through the Rollout verbs.', 'input', [remedy('rollout', { target: name, action: 'status', watch: true })])
    : refusal(`${name} is an Argo Rollout target: it is promoted through the Rollout.`, undefined, 'input', [remedy('rollout', { target: name, action: 'promote' })]);
}

function notCanary(opened: OpenDeploy): Refused {
  return refusal(`${opened.target.name} does not deploy by canary (its strategy is ${opened.target.strategy}).`, 'Roll it back instead.', 'input', [remedy('rollback', { target: opened.target.name })]);
}

export type AbortResult = { readonly kind: 'aborted'; readonly outcome: Extract<RollbackOutcome, { kind: 'rolled-back' }>; readonly opened: OpenDeploy } | Refused | Cancelled;

/** A canary's traffic back to stable and the canary to 0; refused when no canary deploy is unfinished. */
export async function abortCanaryOperation(env: AppEnv, request: { readonly target: string }): Promise<AbortResult> {
  const again = { operation: 'canary.abort' as const, options: { target: request.target } };
  const opened = await openConfirmed(env, { target: request.target, action: `Abort the canary on ${request.target}: traffic back to stable`, verb: 'aborting the canary', again });
  if (stopped(opened)) return opened;
  if (opened.target.strategy !== 'canary') return notCanary(opened);
  const outcome = await abortCanary(opened.context, { confirmed: true });
  return outcome.kind === 'rolled-back' ? { kind: 'aborted', outcome, opened } : refusedWith(outcome);
}
