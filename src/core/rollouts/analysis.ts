// Why an AnalysisRun failed, in one line a person can act on: which metric, the value it measured, the
// condition it broke and the limit it went past. The same line goes to the CLI, the panel, the incident
// timeline and the notifications (argo-rollouts #3008, #2658: "why did my analysis fail?").

import type { AnalysisRunView, MetricView } from './model';

const FAILED = new Set(['Failed', 'Error', 'Inconclusive']);

/** The metric that decided a failed run: the first Failed, else Error, else Inconclusive one. */
export function failedMetric(run: AnalysisRunView): MetricView | undefined {
  for (const phase of ['Failed', 'Error', 'Inconclusive']) {
    const metric = run.metrics.find((m) => m.phase === phase);
    if (metric) return metric;
  }
  return undefined;
}

/** The last measurement with that phase (the one that broke the condition), else the last one. */
function deciding(metric: MetricView) {
  const wanted = metric.phase === 'Error' ? 'Error' : metric.phase === 'Inconclusive' ? 'Inconclusive' : 'Failed';
  return [...metric.measurements].reverse().find((m) => m.phase === wanted) ?? metric.measurements[metric.measurements.length - 1];
}

/** The metric's measured values in order, for the line: "0.12, 0.14". */
const values = (metric: MetricView, max = 3) =>
  metric.measurements
    .map((m) => m.value)
    .filter((v): v is string => v !== undefined)
    .slice(-max);

/**
 * One line: `AnalysisRun web-6c5d-2-1 failed: metric error-rate measured 0.12 (failed 2 of 3
 * measurements, failureLimit 1): failureCondition result[0] > 0.05`. Undefined for a run that did not fail.
 */
export function explainRun(run: AnalysisRunView): string | undefined {
  if (!FAILED.has(run.phase)) return undefined;
  const metric = failedMetric(run);
  const verb = run.phase === 'Inconclusive' ? 'was inconclusive' : run.phase === 'Error' ? 'errored' : 'failed';
  if (!metric) return `AnalysisRun ${run.name} ${verb}${run.message ? `: ${run.message}` : ''}`;
  const last = deciding(metric);
  const taken = metric.measurements.length;
  const seen = values(metric);
  const value = metric.phase === 'Error' ? `errored${last?.message ? ` (${last.message})` : ''}` : seen.length > 0 ? `measured ${seen.join(', ')}` : 'had no value';
  const counts =
    metric.phase === 'Error'
      ? `${metric.error} error${metric.error === 1 ? '' : 's'} of ${taken} measurement${taken === 1 ? '' : 's'}`
      : metric.phase === 'Inconclusive'
        ? `${metric.inconclusive} inconclusive of ${taken}${metric.inconclusiveLimit !== undefined ? `, inconclusiveLimit ${metric.inconclusiveLimit}` : ''}`
        : `failed ${metric.failed} of ${taken} measurement${taken === 1 ? '' : 's'}, failureLimit ${metric.failureLimit ?? '0'}`;
  const condition = conditionText(metric);
  return `AnalysisRun ${run.name} ${verb}: metric ${metric.name} ${value} (${counts})${condition ? `: ${condition}` : ''}`.slice(0, 1000);
}

/** The conditions in the words of the template: which one a value must meet, which one fails it. */
export function conditionText(metric: MetricView): string {
  const parts = [metric.failureCondition ? `failureCondition ${metric.failureCondition}` : undefined, metric.successCondition ? `successCondition ${metric.successCondition}` : undefined].filter((p): p is string => p !== undefined);
  return parts.join(', ');
}

/** The newest run that failed for this revision hash (or any, without one). */
export function failedRun(runs: readonly AnalysisRunView[], hash?: string): AnalysisRunView | undefined {
  return [...runs]
    .filter((r) => FAILED.has(r.phase) && (hash === undefined || r.hash === undefined || r.hash === hash))
    .sort((a, b) => (b.createdAt ?? '').localeCompare(a.createdAt ?? '') || b.name.localeCompare(a.name))[0];
}
