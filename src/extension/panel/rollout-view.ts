// An Argo Rollout for the panel's canary tab, made from the engine's RolloutInfo: its phase, steps and
// weights, stable and canary ReplicaSets, and every AnalysisRun with its metrics, measurements and
// conditions, plus the one line that says why analysis failed. No vscode here (unit-tested); the
// webview sets every string as text.

import { explainRun } from '../../core/rollouts/analysis';
import { stepLine, type RolloutInfo, type RolloutReplicaSetInfo } from '../../core/rollouts/info';
import type { AnalysisRunView, MetricView } from '../../core/rollouts/model';
import type { AnalysisRunPanelView, CanaryAction, MetricPanelView, RolloutPanelView, RolloutSetPanelView, RolloutStepPanelView } from '../../shared/protocol';

/** The newest runs and measurements only: a Rollout with a long history keeps the panel's message small. */
const MAX_RUNS = 10;
const MAX_MEASUREMENTS = 10;

/** argo-rollouts utils/rollout/rolloututil.go: the message of a Rollout paused by hand (spec.paused). */
const MANUALLY_PAUSED = 'manually paused';

function setView(rs: RolloutReplicaSetInfo | undefined): RolloutSetPanelView | undefined {
  return rs ? { name: rs.name, images: rs.images, ready: rs.ready, replicas: rs.replicas, ...(rs.revision !== undefined ? { revision: rs.revision } : {}) } : undefined;
}

function stepViews(info: RolloutInfo): RolloutStepPanelView[] {
  const at = info.stepIndex;
  return info.steps.map((s, i): RolloutStepPanelView => ({ text: s.text, state: at === undefined ? 'pending' : i < at ? 'done' : i === at ? 'current' : 'pending' }));
}

/** "1 failed, 0 successful of 1 (count 1, failureLimit 0)": the tallies the conditions are judged on. */
function counts(m: MetricView): string {
  const taken = m.successful + m.failed + m.inconclusive + m.error;
  const parts = [`${m.failed} failed`, `${m.successful} successful`, ...(m.inconclusive > 0 ? [`${m.inconclusive} inconclusive`] : []), ...(m.error > 0 ? [`${m.error} error${m.error === 1 ? '' : 's'}`] : [])];
  const limits = [m.count !== undefined ? `count ${m.count}` : undefined, m.interval !== undefined ? `every ${m.interval}` : undefined].filter((x): x is string => x !== undefined);
  return `${parts.join(', ')} of ${taken}${limits.length > 0 ? ` (${limits.join(', ')})` : ''}`;
}

const optional = <K extends string, V>(key: K, value: V | undefined): { [P in K]?: V } => (value !== undefined ? ({ [key]: value } as { [P in K]: V }) : {});

export function metricPanelView(m: MetricView): MetricPanelView {
  return {
    name: m.name,
    provider: m.provider,
    ...optional('phase', m.phase),
    ...optional('message', m.message),
    ...optional('successCondition', m.successCondition),
    ...optional('failureCondition', m.failureCondition),
    // The controller's default when the template leaves it out: a single failed measurement fails the metric.
    failureLimit: m.failureLimit ?? '0',
    ...optional('inconclusiveLimit', m.inconclusiveLimit),
    counts: counts(m),
    measurements: m.measurements.slice(-MAX_MEASUREMENTS).map((x) => ({ phase: x.phase, ...optional('value', x.value), ...optional('message', x.message), ...optional('at', x.finishedAt ?? x.startedAt) })),
  };
}

export function analysisRunPanelView(run: AnalysisRunView): AnalysisRunPanelView {
  const failure = explainRun(run);
  return {
    name: run.name,
    phase: run.phase,
    ...optional('message', run.message),
    ...optional('failure', failure),
    ...optional('type', run.type),
    ...optional('step', run.stepIndex !== undefined ? run.stepIndex + 1 : undefined),
    ...optional('revision', run.revision),
    metrics: run.metrics.map(metricPanelView),
  };
}

/** The panel's controls that apply to the Rollout now; the operation still decides (and refuses) when asked. */
export function rolloutActions(info: RolloutInfo): CanaryAction[] {
  if (info.aborted || info.phase === 'Healthy') return [];
  if (info.phase === 'Paused') return info.message === MANUALLY_PAUSED ? ['resume', 'promote', 'abort'] : ['promote', 'abort'];
  return ['pause', 'promote', 'abort'];
}

export function rolloutPanelView(info: RolloutInfo): RolloutPanelView {
  const stable = setView(info.stable);
  const canary = setView(info.canary);
  return {
    name: info.name,
    namespace: info.namespace,
    strategy: info.strategy,
    phase: info.phase,
    message: info.message,
    stepLine: stepLine(info),
    ...optional('step', info.stepIndex),
    setWeight: info.setWeight,
    actualWeight: info.actualWeight,
    awaitingPromotion: info.awaitingPromotion,
    aborted: info.aborted,
    paused: info.phase === 'Paused' && info.message === MANUALLY_PAUSED,
    steps: stepViews(info),
    ...(stable ? { stable } : {}),
    ...(canary ? { canary } : {}),
    analysisRuns: info.analysisRuns.slice(0, MAX_RUNS).map(analysisRunPanelView),
    ...optional('failure', info.failure),
    actions: rolloutActions(info),
  };
}

/** Where a Rollout stands, in the words of a deploy's outcome (the panel refreshes while it is `running`). */
export function rolloutOutcome(info: RolloutInfo): string {
  return info.phase === 'Healthy' ? 'deployed' : info.phase === 'Degraded' ? 'failed' : 'running';
}
