// What a rollback keeps in the state store, so that one killed after its write and run again
// continues itself instead of undoing itself. Saved before the rollback's first write to the cluster
// (after the server's dry-run), marked finished after its last step: a run that finds an unfinished
// saved rollback of the same target (and of the same deploy) goes on to the same end state it was
// going to; a finished one changes nothing about the next rollback (twice on purpose goes back twice).

import type { DeployState } from './state';
import type { Colour } from './rollout';

/** A ReplicaSet (or ControllerRevision) as the rollback names it: by name, which stays when an undo renumbers its revision. */
export interface SavedRevision {
  readonly replicaSet?: string;
  /** A StatefulSet's or DaemonSet's revision. */
  readonly controllerRevision?: string;
  readonly revision?: number;
  readonly images: readonly string[];
}

/** What the rollback writes, fixed before the write. */
export type RollbackPlan =
  /** Rolling, or a promoted canary's stable: the template of `to` replaces the one of `from` (rollout undo). */
  | {
      readonly kind: 'undo';
      /** The workload's name (a Deployment unless `workload` says otherwise). */
      readonly deployment: string;
      /** Absent for a Deployment (and in every plan saved before StatefulSets and DaemonSets were supported). */
      readonly workload?: 'StatefulSet' | 'DaemonSet';
      /** The revision the person asked for, if any. */
      readonly requested?: number;
      readonly from: SavedRevision;
      /** A Deployment's names a ReplicaSet; a StatefulSet's or DaemonSet's a ControllerRevision. */
      readonly to: SavedRevision & { readonly revision: number } & ({ readonly replicaSet: string } | { readonly controllerRevision: string });
    }
  /** Blue-green: the Service goes from the `from` colour to the `to` colour, which runs `images`. */
  | { readonly kind: 'switch'; readonly service: string; readonly from: Colour; readonly to: Colour; readonly images: readonly string[] }
  /** An unfinished canary deploy aborted (its saved deploy state carries the rest). */
  | { readonly kind: 'abort'; readonly image: string }
  /** A Helm release: `helm rollback` makes a new revision from `to`'s; done once the latest revision is that rollback. */
  | {
      readonly kind: 'helm';
      readonly release: string;
      readonly namespace: string;
      readonly requested?: number;
      readonly from: { readonly revision: number; readonly images: readonly string[] };
      readonly to: { readonly revision: number };
    };

export interface RollbackState {
  readonly version: 1;
  /** The operation id, also on the lock and on the objects written: a continuing run takes its lock back. */
  readonly id: string;
  readonly target: string;
  readonly context: string;
  readonly namespace: string;
  /** The id of the target's last deploy when the rollback began: a deploy since makes an unfinished rollback stale. */
  readonly of?: string;
  readonly startedAt: string;
  readonly actor: string;
  readonly plan: RollbackPlan;
  readonly finishedAt?: string;
  readonly message?: string;
}

export function rollbackKey(target: string): string {
  return `rollbacks/${target}`;
}

export interface RollbackRequest {
  readonly target: string;
  readonly context: string;
  readonly namespace: string;
  readonly toRevision?: number;
  /** The kinds of plan this run could make (by the target's strategy and what is unfinished). */
  readonly kinds: readonly RollbackPlan['kind'][];
}

/**
 * The saved rollback a new run continues, or undefined when it starts afresh: only an unfinished one,
 * of the same target in the same cluster and namespace, begun after the same last deploy, of a kind
 * this run would make, and (undo) asked for no other revision than the one it was going to. Whether
 * the cluster is still where the saved plan left it is checked by the run, on what it reads anyway.
 */
export function resumable(saved: RollbackState | undefined, last: DeployState | undefined, request: RollbackRequest): RollbackState | undefined {
  if (!saved || saved.version !== 1 || saved.finishedAt !== undefined) return undefined;
  if (saved.target !== request.target || saved.context !== request.context || saved.namespace !== request.namespace) return undefined;
  if (saved.of !== last?.id || !request.kinds.includes(saved.plan.kind)) return undefined;
  // An abort goes on while its canary deploy is unfinished; once that deploy ended otherwise than rolled back, it is moot.
  if (saved.plan.kind === 'abort' && last?.finishedAt !== undefined && last.outcome !== 'rolled-back') return undefined;
  if (request.toRevision !== undefined) {
    if ((saved.plan.kind !== 'undo' && saved.plan.kind !== 'helm') || saved.plan.to.revision !== request.toRevision) return undefined;
  }
  return saved;
}

/** How a rollback that continued an interrupted one says so. */
export const CONTINUED = 'continued an interrupted rollback: ';

export const sameImages = (a: readonly string[], b: readonly string[]): boolean => a.length === b.length && a.every((x, i) => x === b[i]);
