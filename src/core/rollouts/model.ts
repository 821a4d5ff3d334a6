// An Argo Rollout, its ReplicaSets and AnalysisRuns, read from their JSON (argoproj.io/v1alpha1 at the
// pinned release, v1.10.1: pkg/apis/rollouts/v1alpha1/types.go and analysis_types.go) into plain
// views. Nothing here talks to a cluster; missing fields read as the controller's defaults.

import type { KubeObject, ReferencedKind } from './ports';

/** The label the controller puts on a Rollout's ReplicaSets and pods (DefaultRolloutUniqueLabelKey). */
export const HASH_LABEL = 'rollouts-pod-template-hash';
/** The revision annotation on a Rollout's ReplicaSets and AnalysisRuns. */
export const REVISION_ANNOTATION = 'rollout.argoproj.io/revision';

export interface StepView {
  /** setWeight, pause, analysis, experiment, setCanaryScale, setHeaderRoute, setMirrorRoute, plugin. */
  readonly kind: string;
  /** The step in words: "setWeight 50", "pause 30s", "pause (until promoted)", "analysis error-rate". */
  readonly text: string;
  /** setWeight: the weight. */
  readonly weight?: number;
  /** pause: its duration as written; undefined: until promoted. */
  readonly duration?: string;
}

export interface PauseCondition {
  readonly reason: string;
  readonly startTime?: string;
}

export interface RolloutView {
  readonly name: string;
  readonly namespace: string;
  readonly uid: string;
  readonly generation: number;
  readonly strategy: 'canary' | 'blueGreen';
  readonly steps: readonly StepView[];
  /** A canary with trafficRouting (weights set on a mesh or ingress), not by replica counts. */
  readonly trafficRouting: boolean;
  readonly paused: boolean;
  readonly replicas: number;
  readonly workloadRef?: { readonly kind: ReferencedKind; readonly name: string };
  /** A workloadRef kind this tool does not write (PodTemplate). */
  readonly unsupportedRef?: string;
  /** The containers of spec.template (empty with a workloadRef: they are on the referenced object). */
  readonly containers: readonly { readonly name: string; readonly image: string }[];
  /** spec.rollbackWindow.revisions: a rollback to one of these recent revisions skips steps and analysis. */
  readonly rollbackWindow?: number;
  readonly restartAt?: string;
  /** The referenced workload's generation the controller last resolved (rollout.argoproj.io/workload-generation). */
  readonly workloadGeneration?: string;
  /** Background analysis templates (canary.analysis), and blue-green pre- and post-promotion ones. */
  readonly analysisTemplates: readonly string[];
  readonly status: {
    readonly phase?: string;
    readonly message?: string;
    readonly observedGeneration?: string;
    readonly workloadObservedGeneration?: string;
    readonly currentStepIndex?: number;
    readonly pauseConditions: readonly PauseCondition[];
    readonly controllerPause: boolean;
    readonly abort: boolean;
    readonly promoteFull: boolean;
    readonly stableRS?: string;
    readonly currentPodHash?: string;
    readonly replicas: number;
    readonly updatedReplicas: number;
    readonly readyReplicas: number;
    readonly availableReplicas: number;
    readonly restartedAt?: string;
    /** trafficRouting: the weights the controller set. */
    readonly weights?: { readonly canary: number; readonly stable: number };
    readonly currentStepAnalysisRun?: { readonly name: string; readonly status: string; readonly message?: string };
    readonly activeSelector?: string;
    readonly previewSelector?: string;
    readonly conditions: readonly { readonly type: string; readonly status: string; readonly reason?: string; readonly message?: string }[];
  };
}

export interface RolloutReplicaSet {
  readonly name: string;
  readonly hash: string;
  readonly revision?: number;
  readonly images: readonly string[];
  readonly replicas: number;
  readonly ready: number;
  readonly available: number;
  readonly createdAt?: string;
  /** The pod template as the API has it (undo copies it). */
  readonly template: KubeObject;
}

export interface MeasurementView {
  readonly phase: string;
  readonly value?: string;
  readonly message?: string;
  readonly startedAt?: string;
  readonly finishedAt?: string;
}

export interface MetricView {
  readonly name: string;
  /** What is measured, in words: "prometheus: <query>", "web: GET <url>", "job". */
  readonly provider: string;
  readonly successCondition?: string;
  readonly failureCondition?: string;
  readonly failureLimit?: string;
  readonly inconclusiveLimit?: string;
  readonly count?: string;
  readonly interval?: string;
  /** The result so far; absent before the first measurement. */
  readonly phase?: string;
  readonly message?: string;
  readonly measurements: readonly MeasurementView[];
  readonly successful: number;
  readonly failed: number;
  readonly inconclusive: number;
  readonly error: number;
}

export interface AnalysisRunView {
  readonly name: string;
  /** Pending, Running, Successful, Failed, Error, Inconclusive. */
  readonly phase: string;
  readonly message?: string;
  readonly startedAt?: string;
  readonly createdAt?: string;
  /** Step, Background, PrePromotion, PostPromotion (the rollout-type label). */
  readonly type?: string;
  /** 0-based, for a step's analysis (the step-index label). */
  readonly stepIndex?: number;
  readonly revision?: number;
  readonly hash?: string;
  readonly metrics: readonly MetricView[];
}

const obj = (v: unknown): Record<string, unknown> => (typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Record<string, unknown>) : {});
const arr = (v: unknown): unknown[] => (Array.isArray(v) ? v : []);
const str = (v: unknown): string | undefined => (typeof v === 'string' ? v : undefined);
const num = (v: unknown): number | undefined => (typeof v === 'number' && Number.isFinite(v) ? v : undefined);
/** An IntOrString field as written (2, "2", "25%"). */
const intOrString = (v: unknown): string | undefined => (typeof v === 'number' ? String(v) : str(v));
const strings = (v: unknown): Record<string, string> => Object.fromEntries(Object.entries(obj(v)).filter((e): e is [string, string] => typeof e[1] === 'string'));

export const metadataOf = (o: KubeObject) => {
  const m = obj(o.metadata);
  return { name: str(m.name) ?? '', namespace: str(m.namespace) ?? '', uid: str(m.uid) ?? '', labels: strings(m.labels), annotations: strings(m.annotations), createdAt: str(m.creationTimestamp), generation: num(m.generation) ?? 0 };
};

function containersOf(template: unknown): { name: string; image: string }[] {
  return arr(obj(obj(template).spec).containers).map((c) => ({ name: str(obj(c).name) ?? '', image: str(obj(c).image) ?? '' }));
}

export function stepView(raw: unknown): StepView {
  const s = obj(raw);
  if (num(s.setWeight) !== undefined) return { kind: 'setWeight', text: `setWeight ${num(s.setWeight) ?? 0}`, weight: num(s.setWeight) ?? 0 };
  if ('pause' in s) {
    const duration = intOrString(obj(s.pause).duration);
    return duration === undefined ? { kind: 'pause', text: 'pause (until promoted)' } : { kind: 'pause', text: `pause ${/^\d+$/.test(duration) ? `${duration}s` : duration}`, duration };
  }
  if ('analysis' in s) {
    const names = arr(obj(s.analysis).templates).map((t) => str(obj(t).templateName) ?? str(obj(t).clusterTemplateName) ?? '?');
    return { kind: 'analysis', text: `analysis ${names.join(', ')}` };
  }
  if ('experiment' in s) {
    const e = obj(s.experiment);
    const templates = arr(e.templates).length;
    const duration = str(e.duration);
    return { kind: 'experiment', text: `experiment (${templates} template${templates === 1 ? '' : 's'}${duration ? `, ${duration}` : ''})` };
  }
  const kind = Object.keys(s)[0] ?? 'unknown';
  return { kind, text: kind };
}

function templateNames(raw: unknown): string[] {
  return arr(obj(raw).templates).map((t) => str(obj(t).templateName) ?? str(obj(t).clusterTemplateName) ?? '?');
}

export function rolloutView(o: KubeObject): RolloutView {
  const meta = metadataOf(o);
  const spec = obj(o.spec);
  const status = obj(o.status);
  const strategy = obj(spec.strategy);
  const canary = 'canary' in strategy ? obj(strategy.canary) : undefined;
  const blueGreen = obj(strategy.blueGreen);
  const ref = obj(spec.workloadRef);
  const refKind = str(ref.kind);
  const weights = obj(obj(status.canary).weights);
  const stepRun = obj(obj(status.canary).currentStepAnalysisRunStatus);
  const bg = obj(status.blueGreen);
  const window = num(obj(spec.rollbackWindow).revisions);
  return {
    name: meta.name,
    namespace: meta.namespace,
    uid: meta.uid,
    generation: meta.generation,
    strategy: canary ? 'canary' : 'blueGreen',
    steps: arr(canary?.steps).map(stepView),
    trafficRouting: canary !== undefined && canary.trafficRouting !== undefined && canary.trafficRouting !== null,
    paused: spec.paused === true,
    replicas: num(spec.replicas) ?? 1,
    ...(refKind === 'Deployment' || refKind === 'ReplicaSet' ? { workloadRef: { kind: refKind, name: str(ref.name) ?? '' } } : refKind !== undefined ? { unsupportedRef: refKind } : {}),
    containers: containersOf(spec.template),
    ...(window !== undefined && window > 0 ? { rollbackWindow: window } : {}),
    ...(str(spec.restartAt) !== undefined ? { restartAt: str(spec.restartAt) } : {}),
    ...(meta.annotations['rollout.argoproj.io/workload-generation'] !== undefined ? { workloadGeneration: meta.annotations['rollout.argoproj.io/workload-generation'] } : {}),
    analysisTemplates: canary ? templateNames(canary.analysis) : [...templateNames(blueGreen.prePromotionAnalysis), ...templateNames(blueGreen.postPromotionAnalysis)],
    status: {
      phase: str(status.phase),
      message: str(status.message),
      observedGeneration: str(status.observedGeneration),
      workloadObservedGeneration: str(status.workloadObservedGeneration),
      currentStepIndex: num(status.currentStepIndex),
      pauseConditions: arr(status.pauseConditions).map((c) => ({ reason: str(obj(c).reason) ?? '', ...(str(obj(c).startTime) ? { startTime: str(obj(c).startTime) } : {}) })),
      controllerPause: status.controllerPause === true,
      abort: status.abort === true,
      promoteFull: status.promoteFull === true,
      stableRS: str(status.stableRS),
      currentPodHash: str(status.currentPodHash),
      replicas: num(status.replicas) ?? 0,
      updatedReplicas: num(status.updatedReplicas) ?? 0,
      readyReplicas: num(status.readyReplicas) ?? 0,
      availableReplicas: num(status.availableReplicas) ?? 0,
      restartedAt: str(status.restartedAt),
      ...(num(obj(weights.canary).weight) !== undefined ? { weights: { canary: num(obj(weights.canary).weight) ?? 0, stable: num(obj(weights.stable).weight) ?? 0 } } : {}),
      ...(str(stepRun.name) ? { currentStepAnalysisRun: { name: str(stepRun.name) ?? '', status: str(stepRun.status) ?? '', ...(str(stepRun.message) ? { message: str(stepRun.message) } : {}) } } : {}),
      activeSelector: str(bg.activeSelector),
      previewSelector: str(bg.previewSelector),
      conditions: arr(status.conditions).map((c) => ({ type: str(obj(c).type) ?? '', status: str(obj(c).status) ?? '', ...(str(obj(c).reason) ? { reason: str(obj(c).reason) } : {}), ...(str(obj(c).message) ? { message: str(obj(c).message) } : {}) })),
    },
  };
}

export function replicaSetView(o: KubeObject): RolloutReplicaSet {
  const meta = metadataOf(o);
  const spec = obj(o.spec);
  const status = obj(o.status);
  const revision = Number(meta.annotations[REVISION_ANNOTATION]);
  return {
    name: meta.name,
    hash: meta.labels[HASH_LABEL] ?? '',
    ...(Number.isSafeInteger(revision) && revision > 0 ? { revision } : {}),
    images: containersOf(spec.template).map((c) => c.image),
    replicas: num(spec.replicas) ?? 0,
    ready: num(status.readyReplicas) ?? 0,
    available: num(status.availableReplicas) ?? 0,
    ...(meta.createdAt ? { createdAt: meta.createdAt } : {}),
    template: obj(spec.template),
  };
}

function providerText(raw: unknown): string {
  const p = obj(raw);
  const prometheus = obj(p.prometheus);
  if (str(prometheus.query)) return `prometheus${str(prometheus.address) ? ` at ${str(prometheus.address) ?? ''}` : ''}: ${str(prometheus.query) ?? ''}`;
  const web = obj(p.web);
  if (str(web.url)) return `web: ${str(web.method) ?? 'GET'} ${str(web.url) ?? ''}${str(web.jsonPath) ? ` (${str(web.jsonPath) ?? ''})` : ''}`;
  return Object.keys(p)[0] ?? 'unknown provider';
}

export function analysisRunView(o: KubeObject): AnalysisRunView {
  const meta = metadataOf(o);
  const spec = obj(o.spec);
  const status = obj(o.status);
  const results = new Map(arr(status.metricResults).map((r) => [str(obj(r).name) ?? '', obj(r)]));
  const step = Number(meta.labels['step-index']);
  const revision = Number(meta.annotations[REVISION_ANNOTATION]);
  const metrics = arr(spec.metrics).map((raw): MetricView => {
    const m = obj(raw);
    const name = str(m.name) ?? '';
    const r = results.get(name) ?? {};
    const optional = (key: string, value: string | undefined) => (value !== undefined ? { [key]: value } : {});
    return {
      name,
      provider: providerText(m.provider),
      ...optional('successCondition', str(m.successCondition)),
      ...optional('failureCondition', str(m.failureCondition)),
      ...optional('failureLimit', intOrString(m.failureLimit)),
      ...optional('inconclusiveLimit', intOrString(m.inconclusiveLimit)),
      ...optional('count', intOrString(m.count)),
      ...optional('interval', str(m.interval)),
      ...optional('phase', str(r.phase)),
      ...optional('message', str(r.message)),
      measurements: arr(r.measurements).map((x) => {
        const mm = obj(x);
        return { phase: str(mm.phase) ?? '', ...optional('value', str(mm.value)), ...optional('message', str(mm.message)), ...optional('startedAt', str(mm.startedAt)), ...optional('finishedAt', str(mm.finishedAt)) };
      }),
      successful: num(r.successful) ?? 0,
      failed: num(r.failed) ?? 0,
      inconclusive: num(r.inconclusive) ?? 0,
      error: num(r.error) ?? 0,
    };
  });
  return {
    name: meta.name,
    phase: str(status.phase) ?? 'Pending',
    ...(str(status.message) ? { message: str(status.message) } : {}),
    ...(str(status.startedAt) ? { startedAt: str(status.startedAt) } : {}),
    ...(meta.createdAt ? { createdAt: meta.createdAt } : {}),
    ...(meta.labels['rollout-type'] ? { type: meta.labels['rollout-type'] } : {}),
    ...(Number.isSafeInteger(step) && meta.labels['step-index'] !== undefined ? { stepIndex: step } : {}),
    ...(Number.isSafeInteger(revision) && revision > 0 ? { revision } : {}),
    ...(meta.labels[HASH_LABEL] ? { hash: meta.labels[HASH_LABEL] } : {}),
    metrics,
  };
}
