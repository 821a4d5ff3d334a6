// An undo of a Rollout (undo.go at v1.10.1): which revision, the JSON patch of its template, the object
// it goes to (the Rollout, or what its workloadRef names), and — the part a person needs in an
// emergency — what the Rollout will still run before that revision has all the traffic: nothing when
// it is the stable ReplicaSet or within spec.rollbackWindow (rollout/canary.go, sync.go
// isRollbackWithinWindow), else its steps and analysis again.

import type { RolloutRead } from './info';
import type { RolloutReplicaSet } from './model';
import { sameTemplate, undoPatch, undoTarget } from './patches';
import type { KubeObject, RolloutPatch } from './ports';

export interface UndoPlan {
  readonly rs: RolloutReplicaSet & { readonly revision: number };
  readonly patch: RolloutPatch;
  /** Where the patch goes: the Rollout, or the object its workloadRef names. */
  readonly to: { readonly kind: 'Rollout' | 'Deployment' | 'ReplicaSet'; readonly name: string };
  /** The Rollout skips its steps and analysis for this revision. */
  readonly skipsSteps: boolean;
  /** What still runs, in words. */
  readonly willRun: string;
}

/** Within the window: fewer than `revisions` ReplicaSets were created between the target and stable (sync.go). */
function withinWindow(read: RolloutRead, rs: RolloutReplicaSet): boolean {
  const window = read.view.rollbackWindow;
  const stable = read.replicaSets.find((s) => s.hash === read.view.status.stableRS);
  if (window === undefined || !stable?.createdAt || !rs.createdAt || !(rs.createdAt < stable.createdAt)) return false;
  const between = read.replicaSets.filter((s) => s.createdAt !== undefined && s.createdAt < stable.createdAt! && rs.createdAt! < s.createdAt).length;
  return between < window;
}

export function whatStillRuns(read: RolloutRead, rs: RolloutReplicaSet & { readonly revision: number }): { skipsSteps: boolean; willRun: string } {
  const { view } = read;
  if (rs.hash === view.status.stableRS) {
    return { skipsSteps: true, willRun: `revision ${rs.revision} is the stable ReplicaSet ${rs.name}: the Rollout goes straight back to it and skips its steps and analysis` };
  }
  // canary.go/sync.go: within the window the steps are skipped, whether or not its ReplicaSet is still scaled up.
  if (withinWindow(read, rs)) {
    return { skipsSteps: true, willRun: `revision ${rs.revision} is within the Rollout's rollbackWindow (${view.rollbackWindow ?? 0} revisions): its steps and analysis are skipped` };
  }
  const analysis = view.analysisTemplates.length > 0 ? `; background analysis ${view.analysisTemplates.join(', ')} runs too` : '';
  const why = view.rollbackWindow !== undefined ? ` (it is outside the rollbackWindow of ${view.rollbackWindow} revisions)` : ' (no rollbackWindow lets it skip them)';
  if (view.strategy === 'blueGreen') {
    return { skipsSteps: false, willRun: `revision ${rs.revision} goes through the blue-green promotion again: preview, any pre-promotion analysis and pause${analysis}${why}` };
  }
  const steps = view.steps.map((s) => s.text).join(', ');
  return {
    skipsSteps: false,
    willRun: `revision ${rs.revision} is not stable, so the Rollout runs its ${view.steps.length} step${view.steps.length === 1 ? '' : 's'} again${steps ? ` (${steps})` : ''}${analysis} before it has all the traffic${why}`,
  };
}

/** The undo to `toRevision` (default the previous revision), or why there is none. */
export function planUndo(read: RolloutRead, toRevision?: number): UndoPlan | string {
  const rs = undoTarget(read.replicaSets, toRevision);
  if (typeof rs === 'string') return `Rollout ${read.view.name}: ${rs}`;
  const ref = read.view.workloadRef;
  if (read.view.unsupportedRef) return `Rollout ${read.view.name} references a ${read.view.unsupportedRef} (workloadRef), which this tool does not write; undo it with kubectl argo rollouts undo.`;
  const current: KubeObject | undefined = ref ? (read.referenced?.spec as { template?: KubeObject } | undefined)?.template : (read.raw.spec as { template?: KubeObject } | undefined)?.template;
  if (sameTemplate(current, rs)) return `Rollout ${read.view.name} already runs the template of revision ${rs.revision ?? '?'} (${rs.images.join(', ')}): nothing to undo.`;
  const revision = rs.revision ?? 0;
  const numbered = { ...rs, revision };
  return { rs: numbered, patch: undoPatch(rs), to: ref ? { kind: ref.kind, name: ref.name } : { kind: 'Rollout', name: read.view.name }, ...whatStillRuns(read, numbered) };
}

/**
 * The revision a rollback goes to when none is named. Not the plugin's "previous" (the second highest):
 * after an aborted or failed update that is the broken one. An update in progress (or aborted) goes
 * back to stable, which is what ran before it; a Rollout at rest goes to the newest older revision
 * whose analysis did not fail. Undefined: no such revision (the plugin's rule then decides).
 */
export function rollbackRevision(read: RolloutRead): { readonly revision: number; readonly skipped: readonly string[] } | undefined {
  const { stableRS, currentPodHash } = read.view.status;
  const stable = read.replicaSets.find((rs) => rs.hash === stableRS);
  if (currentPodHash !== undefined && currentPodHash !== stableRS && stable?.revision !== undefined) return { revision: stable.revision, skipped: [] };
  const current = read.replicaSets.find((rs) => rs.hash === currentPodHash);
  const failed = new Set(read.runs.filter((r) => r.phase === 'Failed' || r.phase === 'Error').map((r) => r.hash));
  const older = read.replicaSets
    .filter((rs): rs is RolloutReplicaSet & { revision: number } => rs.revision !== undefined && (current?.revision === undefined || rs.revision < current.revision))
    .sort((a, b) => b.revision - a.revision);
  const skipped: string[] = [];
  for (const rs of older) {
    if (!failed.has(rs.hash)) return { revision: rs.revision, skipped };
    skipped.push(`revision ${rs.revision} (${rs.images.join(', ')}): its analysis failed`);
  }
  return undefined;
}
