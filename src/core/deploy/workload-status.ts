// Pure decisions about StatefulSets and DaemonSets: is a rollout done (in the words `kubectl rollout
// status` prints), which ControllerRevision is current, and which one an undo goes back to (as
// `kubectl rollout undo` picks it: the second-highest revision, or --to-revision).

import type { ControllerRevisionView, DaemonSetView, StatefulSetView, WorkloadView } from './workload-ports';

export type WorkloadStatus =
  | { readonly state: 'complete'; readonly message: string }
  | { readonly state: 'progressing'; readonly message: string }
  /** OnDelete: pods change only when someone deletes them, so there is no rollout to wait for. */
  | { readonly state: 'not-waitable'; readonly message: string };

export function workloadStatus(w: WorkloadView): WorkloadStatus {
  return w.kind === 'StatefulSet' ? statefulSetStatus(w) : daemonSetStatus(w);
}

/** kubectl's StatefulSetStatusViewer, message for message (without the trailing newline). */
export function statefulSetStatus(s: StatefulSetView): WorkloadStatus {
  if (s.updateStrategy.type !== 'RollingUpdate') return notWaitable(s);
  const st = s.status;
  if (st.observedGeneration === 0 || s.generation > st.observedGeneration) {
    return { state: 'progressing', message: 'Waiting for statefulset spec update to be observed...' };
  }
  if (st.readyReplicas < s.replicas) {
    return { state: 'progressing', message: `Waiting for ${s.replicas - st.readyReplicas} pods to be ready...` };
  }
  // The API server always defaults rollingUpdate.partition (to 0), so kubectl takes this branch for
  // every RollingUpdate StatefulSet it reads from a server; so do we.
  if (s.updateStrategy.partition !== undefined) {
    const wanted = s.replicas - s.updateStrategy.partition;
    if (st.updatedReplicas < wanted) {
      return { state: 'progressing', message: `Waiting for partitioned roll out to finish: ${st.updatedReplicas} out of ${wanted} new pods have been updated...` };
    }
    return { state: 'complete', message: `partitioned roll out complete: ${st.updatedReplicas} new pods have been updated...` };
  }
  if (st.updateRevision !== st.currentRevision) {
    return { state: 'progressing', message: `waiting for statefulset rolling update to complete ${st.updatedReplicas} pods at revision ${st.updateRevision ?? ''}...` };
  }
  return { state: 'complete', message: `statefulset rolling update complete ${st.currentReplicas} pods at revision ${st.currentRevision ?? ''}...` };
}

/** kubectl's DaemonSetStatusViewer, message for message (without the trailing newline). */
export function daemonSetStatus(d: DaemonSetView): WorkloadStatus {
  if (d.updateStrategy.type !== 'RollingUpdate') return notWaitable(d);
  const st = d.status;
  if (d.generation > st.observedGeneration) return { state: 'progressing', message: 'Waiting for daemon set spec update to be observed...' };
  if (st.updatedNumberScheduled < st.desiredNumberScheduled) {
    return { state: 'progressing', message: `Waiting for daemon set "${d.name}" rollout to finish: ${st.updatedNumberScheduled} out of ${st.desiredNumberScheduled} new pods have been updated...` };
  }
  if (st.numberAvailable < st.desiredNumberScheduled) {
    return { state: 'progressing', message: `Waiting for daemon set "${d.name}" rollout to finish: ${st.numberAvailable} of ${st.desiredNumberScheduled} updated pods are available...` };
  }
  return { state: 'complete', message: `daemon set "${d.name}" successfully rolled out` };
}

function notWaitable(w: WorkloadView): WorkloadStatus {
  return {
    state: 'not-waitable',
    message: `${w.kind} ${w.name} uses updateStrategy ${w.updateStrategy.type}: its pods take a new template only when they are deleted, so there is no rollout to wait for (kubectl: rollout status is only available for RollingUpdate strategy type).`,
  };
}

/** A StatefulSet's partition above 0: the pods below it keep the old template, by the team's choice. */
export function partitionOf(w: WorkloadView): number | undefined {
  return w.kind === 'StatefulSet' && (w.updateStrategy.partition ?? 0) > 0 ? w.updateStrategy.partition : undefined;
}

/**
 * The revision the live template is: the StatefulSet's updateRevision, else the highest (a controller
 * makes the template it runs the highest revision, renumbering an old one an undo returns to).
 */
export function currentRevision(w: WorkloadView, revisions: readonly ControllerRevisionView[]): ControllerRevisionView | undefined {
  const update = w.kind === 'StatefulSet' ? w.status.updateRevision : undefined;
  return revisions.find((r) => r.name === update) ?? [...revisions].sort((a, b) => b.revision - a.revision)[0];
}

export interface RevisionUndoPlan {
  readonly from?: ControllerRevisionView;
  readonly to: ControllerRevisionView;
}

/** What `kubectl rollout undo [--to-revision]` would restore, or why there is nothing to go back to. */
export function planRevisionUndo(w: WorkloadView, revisions: readonly ControllerRevisionView[], toRevision?: number): RevisionUndoPlan | { readonly error: string } {
  const from = currentRevision(w, revisions);
  const sorted = [...revisions].sort((a, b) => b.revision - a.revision);
  const to = toRevision !== undefined ? revisions.find((r) => r.revision === toRevision) : sorted.filter((r) => r !== from)[0];
  if (!to) {
    const known = revisions.map((r) => r.revision).sort((a, b) => a - b);
    return {
      error:
        toRevision !== undefined
          ? `${w.kind} ${w.name} has no revision ${toRevision} (revisions kept: ${known.join(', ') || 'none'}).`
          : `${w.kind} ${w.name} has no revision before ${from?.revision ?? 'the current one'} to roll back to.`,
    };
  }
  if (to === from) return { error: `${w.kind} ${w.name} already runs the template of revision ${to.revision} (${to.images.join(', ')}).` };
  return { to, ...(from ? { from } : {}) };
}
