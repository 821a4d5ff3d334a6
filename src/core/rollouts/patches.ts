// The writes `kubectl argo rollouts` sends, byte for byte in meaning, at the pinned release v1.10.1
// (pkg/kubectl-argo-rollouts/cmd/<verb>/<verb>.go). Acting through the Rollout this way never fights its
// controller: the controller reads these fields and does the scaling and routing itself.

import { HASH_LABEL, type RolloutReplicaSet, type RolloutView } from './model';
import { currentStepIndex } from './phase';
import type { KubeObject, RolloutPatch } from './ports';

/** What one verb writes: a status patch first (falling back to `unified` on the main resource when the status subresource 404s), then a spec patch. */
export interface VerbWrites {
  readonly status?: RolloutPatch;
  readonly spec?: RolloutPatch;
  /** promote.go: sent to the main resource instead of both when the status subresource is not there. */
  readonly unified?: RolloutPatch;
}

const merge = (body: unknown, subresource?: 'status'): RolloutPatch => ({ type: 'merge', body, ...(subresource ? { subresource } : {}) });

/**
 * promote.go getPatches (neither deprecated skip flag): full → unpause if paused, promoteFull unless the
 * desired revision is already stable; default → unpause if paused, and clear the pause conditions (with
 * the step advanced past an inconclusive analysis the controller paused on), or advance the step when
 * nothing pauses it.
 */
export function promoteWrites(ro: RolloutView, full: boolean): VerbWrites {
  const unpause = ro.paused ? merge({ spec: { paused: false } }) : undefined;
  if (full) {
    return {
      ...(unpause ? { spec: unpause } : {}),
      ...(ro.status.currentPodHash !== ro.status.stableRS ? { status: merge({ status: { promoteFull: true } }, 'status') } : {}),
      unified: merge({ spec: { paused: false }, status: { promoteFull: true } }),
    };
  }
  const index = currentStepIndex(ro);
  const next = index === undefined ? undefined : index < ro.steps.length ? index + 1 : index;
  const inconclusive = ro.strategy === 'canary' && ro.status.currentStepAnalysisRun?.status === 'Inconclusive';
  let status: RolloutPatch | undefined;
  let unified = merge({ spec: { paused: false }, status: { pauseConditions: null } });
  if (inconclusive && ro.status.pauseConditions.length > 0 && ro.status.controllerPause) {
    if (next !== undefined) status = merge({ status: { pauseConditions: null, controllerPause: false, currentStepIndex: next } }, 'status');
  } else if (ro.status.pauseConditions.length > 0) {
    status = merge({ status: { pauseConditions: null } }, 'status');
  } else if (ro.strategy === 'canary' && next !== undefined) {
    status = merge({ status: { pauseConditions: null, currentStepIndex: next } }, 'status');
    unified = merge({ spec: { paused: false }, status: { pauseConditions: null, currentStepIndex: next } });
  }
  return { ...(unpause ? { spec: unpause } : {}), ...(status ? { status } : {}), unified };
}

/** abort.go: `{"status":{"abort":true}}` to the status subresource (the main resource when it 404s). */
export const abortWrites = (): VerbWrites => ({ status: merge({ status: { abort: true } }, 'status'), unified: merge({ status: { abort: true } }) });

/** retry.go: `{"status":{"abort":false}}` likewise. */
export const retryWrites = (): VerbWrites => ({ status: merge({ status: { abort: false } }, 'status'), unified: merge({ status: { abort: false } }) });

/** pause.go: `{"spec":{"paused":true}}` on the Rollout. */
export const pauseWrites = (): VerbWrites => ({ spec: merge({ spec: { paused: true } }) });

/**
 * The plugin has no resume verb: its promote resumes. `resume` here sends promote's spec half alone
 * (promote.go unpausePatch, `{"spec":{"paused":false}}`), so a manual pause ends and a pause step of
 * the Rollout's own still holds until promoted.
 */
export const resumeWrites = (): VerbWrites => ({ spec: merge({ spec: { paused: false } }) });

/** restart.go: `{"spec":{"restartAt":"<RFC 3339, seconds>"}}`. */
export const restartWrites = (at: Date): VerbWrites => ({ spec: merge({ spec: { restartAt: `${at.toISOString().slice(0, 19)}Z` } }) });

/**
 * undo.go rolloutRevision: the ReplicaSet of `toRevision`, or (0) the one before the newest revision.
 * A string says why there is none.
 */
export function undoTarget(sets: readonly RolloutReplicaSet[], toRevision?: number): RolloutReplicaSet | string {
  const numbered = sets.filter((rs): rs is RolloutReplicaSet & { revision: number } => rs.revision !== undefined);
  if (toRevision !== undefined) return numbered.find((rs) => rs.revision === toRevision) ?? `unable to find specified revision ${toRevision} in history`;
  const sorted = [...numbered].sort((a, b) => b.revision - a.revision);
  return sorted[1] ?? 'no revision found to go back to (the Rollout has one revision)';
}

/** undo.go: the revision's pod template without the hash label, as a JSON patch replacing /spec/template. */
export function undoPatch(rs: RolloutReplicaSet): RolloutPatch {
  const template = structuredClone(rs.template) as { metadata?: { labels?: Record<string, string> } };
  if (template.metadata?.labels) delete template.metadata.labels[HASH_LABEL];
  return { type: 'json', body: [{ op: 'replace', path: '/spec/template', value: template }] };
}

/** undo.go equalIgnoreHash: the current template already is that revision's (then undo is skipped). */
export function sameTemplate(current: KubeObject | undefined, rs: RolloutReplicaSet): boolean {
  const strip = (t: unknown) => {
    const copy = structuredClone((t ?? {}) as { metadata?: { labels?: Record<string, string> } });
    if (copy.metadata?.labels) delete copy.metadata.labels[HASH_LABEL];
    return canonical(copy);
  };
  return strip(current) === strip(rs.template);
}

function canonical(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
  if (typeof value === 'object' && value !== null) {
    return `{${Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined && v !== null && !(typeof v === 'object' && Object.keys(v).length === 0))
      .sort(([a], [b]) => a.localeCompare(b))
      .map(([k, v]) => `${JSON.stringify(k)}:${canonical(v)}`)
      .join(',')}}`;
  }
  return JSON.stringify(value);
}

/**
 * set_image.go newRolloutSetImage: the object with the image of the named container (initContainers,
 * containers, ephemeralContainers; `*` for all) replaced, every other field kept as read, for a PUT.
 * A string says why not (no such container).
 */
export function withImage(object: KubeObject, container: string, image: string): KubeObject | string {
  const copy = structuredClone(object) as { spec?: { template?: { spec?: Record<string, unknown> } } };
  const pod = copy.spec?.template?.spec ?? {};
  let found = false;
  for (const field of ['initContainers', 'containers', 'ephemeralContainers']) {
    const list = pod[field];
    if (!Array.isArray(list)) continue;
    for (const c of list as { name?: string; image?: string }[]) {
      if (c.name === container || container === '*') {
        c.image = image;
        found = true;
      }
    }
  }
  return found ? (copy) : `unable to find container named "${container}"`;
}
