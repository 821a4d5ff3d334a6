// Pure decisions about Deployments: is a rollout done, progressing or failed (as `kubectl rollout
// status` judges it); which revision an undo goes back to and what it writes (as `kubectl rollout
// undo` does); which colour is live behind a Service and what the switch writes.

import { canonicalJson } from '../audit/canonical';
import type { DeploymentView, PodTemplate, ReplicaSetView, ServiceView } from './ports';

export const REVISION = 'deployment.kubernetes.io/revision';

export type RolloutStatus =
  | { readonly state: 'complete'; readonly message: string }
  | { readonly state: 'progressing'; readonly message: string }
  | { readonly state: 'failed'; readonly reason: string; readonly message: string };

export function rolloutStatus(d: DeploymentView): RolloutStatus {
  const s = d.status;
  // Conditions describe an older spec until the controller has observed this generation: a stale
  // ProgressDeadlineExceeded right after an undo must not fail the new rollout.
  if (s.observedGeneration < d.generation) {
    return { state: 'progressing', message: 'waiting for the controller to observe the new spec' };
  }
  const progressing = s.conditions.find((c) => c.type === 'Progressing');
  if (progressing?.reason === 'ProgressDeadlineExceeded') {
    return { state: 'failed', reason: 'ProgressDeadlineExceeded', message: `${d.name} made no progress within its deadline: ${progressing.message ?? ''}`.trim() };
  }
  if (s.updatedReplicas < d.replicas) {
    return { state: 'progressing', message: `${s.updatedReplicas} of ${d.replicas} new replicas updated` };
  }
  if (s.replicas > s.updatedReplicas) {
    return { state: 'progressing', message: `${s.replicas - s.updatedReplicas} old replicas pending termination` };
  }
  if (s.availableReplicas < s.updatedReplicas) {
    return { state: 'progressing', message: `${s.availableReplicas} of ${s.updatedReplicas} updated replicas available` };
  }
  return { state: 'complete', message: `${d.name} rolled out: ${s.availableReplicas} of ${d.replicas} available` };
}

export function revisionOf(d: { readonly annotations: Readonly<Record<string, string>> }): number | undefined {
  const value = Number(d.annotations[REVISION]);
  return Number.isInteger(value) && value > 0 ? value : undefined;
}

/** Annotations the controller or kubectl own, which an undo keeps from the Deployment. */
const KEPT_ON_UNDO = new Set([
  REVISION,
  'deployment.kubernetes.io/revision-history',
  'deployment.kubernetes.io/desired-replicas',
  'deployment.kubernetes.io/max-replicas',
  'kubectl.kubernetes.io/last-applied-configuration',
]);

export interface UndoPlan {
  readonly fromRevision?: number;
  readonly toRevision: number;
  readonly images: readonly string[];
  readonly template: PodTemplate;
  readonly annotations: Readonly<Record<string, string>>;
  /**
   * The Deployment already has that template (a rollback someone else made, not rolled out yet; or the
   * revision it runs, asked for by number): kubectl skips it, and so does a rollback.
   */
  readonly unchanged?: boolean;
}

/** The pod template without the label the controller adds to its ReplicaSet's copy. */
function unhashed(template: PodTemplate): string {
  const copy = structuredClone(template) as { metadata?: { labels?: Record<string, string> } };
  delete copy.metadata?.labels?.['pod-template-hash'];
  if (copy.metadata?.labels && Object.keys(copy.metadata.labels).length === 0) delete copy.metadata.labels;
  return canonicalJson(copy);
}

export interface RunningTemplate {
  /** The ReplicaSet whose pods run now: the one with the Deployment's template, else the revision annotated. */
  readonly current?: ReplicaSetView;
  /**
   * The Deployment's template is newer than any ReplicaSet: its controller has not caught up with the
   * write yet (a deploy seconds ago), or the Deployment is paused. `current` still runs what was there.
   */
  readonly unrolled: boolean;
}

/** Whether `rs` has the Deployment's template (equal but for pod-template-hash, as its controller matches them). */
export function hasTemplateOf(d: DeploymentView, rs: ReplicaSetView | undefined): boolean {
  return rs !== undefined && unhashed(rs.template) === unhashed(d.template);
}

/**
 * Which ReplicaSet runs. Settled (its controller has observed the spec, and it is not paused), the one
 * with the Deployment's template. Not settled, the revision annotation still names what runs: a new
 * template no ReplicaSet has yet (a deploy seconds ago, a change made while paused) never rolled out,
 * and "the previous revision" counted from the annotation would be one too far; a template of an older
 * ReplicaSet is a rollback already on its way, which an undo must not go further back than.
 */
export function runningTemplate(d: DeploymentView, replicaSets: readonly ReplicaSetView[]): RunningTemplate {
  const annotated = replicaSets.find((rs) => rs.revision === revisionOf(d));
  const settled = d.status.observedGeneration >= d.generation && d.paused !== true;
  const own = unhashed(d.template);
  const matching = replicaSets.find((rs) => unhashed(rs.template) === own);
  if (matching && (settled || matching === annotated)) return { current: matching, unrolled: false };
  return { ...(annotated ? { current: annotated } : {}), unrolled: !settled && matching === undefined };
}

/** What `kubectl rollout undo [--to-revision]` would write, or why there is nothing to go back to. */
export function planUndo(d: DeploymentView, replicaSets: readonly ReplicaSetView[], toRevision?: number): UndoPlan | { readonly error: string } {
  const running = runningTemplate(d, replicaSets);
  const current = running.current?.revision;
  // A template not rolled out yet is what the undo takes back: to the revision whose pods still run.
  const target =
    toRevision !== undefined
      ? replicaSets.find((rs) => rs.revision === toRevision)
      : running.unrolled && running.current
        ? running.current
        : [...replicaSets].filter((rs) => current === undefined || rs.revision < current).sort((a, b) => b.revision - a.revision)[0];
  if (!target) {
    const known = replicaSets.map((rs) => rs.revision).sort((a, b) => a - b);
    return {
      error:
        toRevision !== undefined
          ? `${d.name} has no revision ${toRevision} (revisions kept: ${known.join(', ') || 'none'}).`
          : `${d.name} has no revision before ${current ?? 'the current one'} to roll back to.`,
    };
  }
  const template = structuredClone(target.template) as { metadata?: { labels?: Record<string, string> } };
  delete template.metadata?.labels?.['pod-template-hash'];
  const annotations: Record<string, string> = {};
  for (const [key, value] of Object.entries(d.annotations)) {
    if (KEPT_ON_UNDO.has(key)) annotations[key] = value;
  }
  for (const [key, value] of Object.entries(target.annotations)) {
    if (!KEPT_ON_UNDO.has(key)) annotations[key] = value;
  }
  return {
    toRevision: target.revision,
    images: target.images,
    template,
    annotations,
    ...(current !== undefined && !running.unrolled ? { fromRevision: current } : {}),
    ...(hasTemplateOf(d, target) ? { unchanged: true } : {}),
  };
}

export type Colour = 'blue' | 'green';

export interface ColourState {
  readonly live: Colour;
  readonly idle: Colour;
  /** The selector that sends traffic to each colour. */
  readonly selectors: Readonly<Record<Colour, Readonly<Record<string, string>>>>;
}

/**
 * Which of `<app>-blue` / `<app>-green` the Service selects. The colour key is whatever selector key
 * the two pod templates label differently, so no naming convention is imposed on the labels.
 */
export function colours(service: ServiceView, blue: DeploymentView, green: DeploymentView): ColourState | { readonly error: string } {
  const keys = Object.keys(service.selector).filter((k) => blue.templateLabels[k] !== green.templateLabels[k]);
  if (keys.length === 0) {
    return { error: `Service ${service.name} selects both ${blue.name} and ${green.name} alike: their pod labels must differ in a key the selector uses (e.g. colour: blue / green).` };
  }
  const selectorFor = (d: DeploymentView) => {
    const selector: Record<string, string> = { ...service.selector };
    for (const key of keys) {
      const value = d.templateLabels[key];
      if (value === undefined) return undefined;
      selector[key] = value;
    }
    return selector;
  };
  const blueSelector = selectorFor(blue);
  const greenSelector = selectorFor(green);
  if (!blueSelector || !greenSelector) {
    return { error: `${blue.name} and ${green.name} must both carry the label${keys.length > 1 ? 's' : ''} ${keys.join(', ')} that Service ${service.name} selects on.` };
  }
  const matches = (selector: Readonly<Record<string, string>>) => keys.every((k) => service.selector[k] === selector[k]);
  const live: Colour | undefined = matches(blueSelector) ? 'blue' : matches(greenSelector) ? 'green' : undefined;
  if (!live) {
    return { error: `Service ${service.name} selects neither ${blue.name} nor ${green.name} (selector ${JSON.stringify(service.selector)}).` };
  }
  return { live, idle: live === 'blue' ? 'green' : 'blue', selectors: { blue: blueSelector, green: greenSelector } };
}
