// A Rollout as the CLI, the Deployments view, the panel and `verify --json` show it, read once: its
// phase and message, step and weights, steps, stable and canary ReplicaSets, and every AnalysisRun with
// its metrics, measurements and conditions, plus the one line that says why analysis failed.

import { explainRun, failedRun } from './analysis';
import { analysisRunView, replicaSetView, rolloutView, type AnalysisRunView, type RolloutReplicaSet, type RolloutView, type StepView } from './model';
import { actualWeight, awaitingPromotion, currentStepIndex, rolloutPhase, setWeight } from './phase';
import type { KubeObject, RolloutCluster } from './ports';

export interface RolloutReplicaSetInfo {
  readonly name: string;
  /** stable, canary (the desired revision while it is not stable), or old. */
  readonly role: 'stable' | 'canary' | 'old';
  readonly revision?: number;
  readonly images: readonly string[];
  readonly replicas: number;
  readonly ready: number;
  readonly available: number;
}

export interface RolloutInfo {
  readonly name: string;
  readonly namespace: string;
  readonly strategy: 'canary' | 'blueGreen';
  /** Healthy, Progressing, Paused, Degraded. */
  readonly phase: string;
  readonly message: string;
  /** The Rollout waits for a promote (a pause step without duration, a manual pause, inconclusive analysis). */
  readonly awaitingPromotion: boolean;
  readonly aborted: boolean;
  /** 0-based; steps.length when all are done; undefined without steps. */
  readonly stepIndex?: number;
  readonly steps: readonly StepView[];
  /** The weight the current step sets, and the canary's actual share. */
  readonly setWeight: number;
  readonly actualWeight: number;
  readonly images: readonly string[];
  readonly replicas: { readonly desired: number; readonly current: number; readonly updated: number; readonly ready: number; readonly available: number };
  readonly workloadRef?: { readonly kind: string; readonly name: string };
  readonly rollbackWindow?: number;
  readonly stable?: RolloutReplicaSetInfo;
  readonly canary?: RolloutReplicaSetInfo;
  readonly replicaSets: readonly RolloutReplicaSetInfo[];
  /** Newest first. */
  readonly analysisRuns: readonly AnalysisRunView[];
  /** Why the newest failed run of the current revision failed, in one line. */
  readonly failure?: string;
}

/** The parsed objects, for the engine's decisions (undo, promote) beside the info. */
export interface RolloutRead {
  readonly raw: KubeObject;
  readonly view: RolloutView;
  readonly replicaSets: readonly RolloutReplicaSet[];
  readonly runs: readonly AnalysisRunView[];
  /** The workloadRef's object, when there is one (its containers are the Rollout's). */
  readonly referenced?: KubeObject;
  readonly info: RolloutInfo;
}

const containersOf = (o: KubeObject | undefined): { name: string; image: string }[] => {
  const spec = (o?.spec ?? {}) as { template?: { spec?: { containers?: { name?: string; image?: string }[] } } };
  return (spec.template?.spec?.containers ?? []).map((c) => ({ name: c.name ?? '', image: c.image ?? '' }));
};

export async function readRollout(rollouts: RolloutCluster, namespace: string, name: string): Promise<RolloutRead | undefined> {
  const raw = await rollouts.getRollout(namespace, name);
  if (!raw) return undefined;
  const view = rolloutView(raw);
  const [sets, runs, referenced] = await Promise.all([
    rollouts.replicaSets(namespace, view.uid),
    rollouts.analysisRuns(namespace, view.uid),
    view.workloadRef ? rollouts.getReferenced(namespace, view.workloadRef.kind, view.workloadRef.name) : Promise.resolve(undefined),
  ]);
  const replicaSets = sets.map(replicaSetView).sort((a, b) => (a.revision ?? 0) - (b.revision ?? 0));
  const analysis = runs.map(analysisRunView).sort((a, b) => (b.createdAt ?? '').localeCompare(a.createdAt ?? '') || b.name.localeCompare(a.name));
  return { raw, view, replicaSets, runs: analysis, ...(referenced ? { referenced } : {}), info: rolloutInfo(view, replicaSets, analysis, referenced) };
}

export function rolloutInfo(view: RolloutView, sets: readonly RolloutReplicaSet[], runs: readonly AnalysisRunView[], referenced?: KubeObject): RolloutInfo {
  const { status } = view;
  const role = (rs: RolloutReplicaSet): RolloutReplicaSetInfo['role'] => (rs.hash === status.stableRS ? 'stable' : rs.hash === status.currentPodHash ? 'canary' : 'old');
  const infos = sets.map((rs): RolloutReplicaSetInfo => ({ name: rs.name, role: role(rs), images: rs.images, replicas: rs.replicas, ready: rs.ready, available: rs.available, ...(rs.revision !== undefined ? { revision: rs.revision } : {}) }));
  const canary = infos.find((rs) => rs.role === 'canary');
  const stable = infos.find((rs) => rs.role === 'stable');
  const { phase, message } = rolloutPhase(view);
  const stepIndex = currentStepIndex(view);
  const failed = failedRun(runs, status.currentPodHash);
  const failure = failed ? explainRun(failed) : undefined;
  const containers = view.workloadRef ? containersOf(referenced) : view.containers;
  return {
    name: view.name,
    namespace: view.namespace,
    strategy: view.strategy,
    phase,
    message,
    awaitingPromotion: awaitingPromotion(view),
    aborted: status.abort,
    ...(stepIndex !== undefined ? { stepIndex } : {}),
    steps: view.steps,
    setWeight: setWeight(view),
    actualWeight: actualWeight(view, canary?.available ?? 0),
    images: containers.map((c) => c.image),
    replicas: { desired: view.replicas, current: status.replicas, updated: status.updatedReplicas, ready: status.readyReplicas, available: status.availableReplicas },
    ...(view.workloadRef ? { workloadRef: view.workloadRef } : {}),
    ...(view.rollbackWindow !== undefined ? { rollbackWindow: view.rollbackWindow } : {}),
    ...(stable ? { stable } : {}),
    ...(canary ? { canary } : {}),
    replicaSets: infos,
    analysisRuns: runs,
    ...(failure ? { failure } : {}),
  };
}

/** `Paused - CanaryPauseStep`, as `status --watch` prints a change. */
export function statusLine(info: RolloutInfo): string {
  return info.message ? `${info.phase} - ${info.message}` : info.phase;
}

/** "step 2/4 (setWeight 50), weight 50%": where a canary is, in words; blue-green: the phase alone. */
export function stepLine(info: RolloutInfo): string {
  if (info.strategy !== 'canary' || info.stepIndex === undefined) return info.strategy === 'canary' ? `weight ${info.actualWeight}%` : 'blue-green';
  const step = info.steps[info.stepIndex];
  return `step ${info.stepIndex}/${info.steps.length}${step ? ` (${step.text})` : ''}, weight ${info.actualWeight}%${info.setWeight !== info.actualWeight ? ` (set ${info.setWeight}%)` : ''}`;
}
