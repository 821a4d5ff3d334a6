// One metric gate measured once: the query for the scope (the canary's track, or the whole app),
// the answer compared with the bound. No data (an empty vector, NaN) is never a pass: it is
// inconclusive or a failure as the gate says, and an unreachable Prometheus is inconclusive.

import type { MetricsSource } from './probes';
import { queryFor, type MetricGate } from './settings';
import { formatValue, type Measurement } from './verdict';

export interface MetricScope {
  /** Label matchers for the series judged, e.g. track="canary"; undefined for the whole app. */
  readonly judged?: string;
  /** Label matchers for the baseline (stable) during a canary. */
  readonly baseline?: string;
  /** Words for messages: "canary". */
  readonly label?: string;
  /** When the canary's traffic reached this step's weight: where a comparison's samples start. */
  readonly since?: Date;
}

type Read = { readonly value: number; readonly query: string } | { readonly none: string; readonly query: string; readonly unreachable?: boolean };

async function read(source: MetricsSource, query: string, signal?: AbortSignal): Promise<Read> {
  const answer = await source.query(query, signal);
  if (!answer.ok) return { none: `Prometheus at ${source.where} did not answer: ${answer.error}`, query, unreachable: true };
  const numbers = answer.values.filter((v) => !Number.isNaN(v));
  if (numbers.length === 0) return { none: answer.values.length === 0 ? 'no data (the query returned no series)' : 'no data (NaN: no requests in the window)', query };
  // Several series: the worst one decides, for a maximum the highest, for a minimum the lowest.
  return { value: numbers.length === 1 ? (numbers[0] ?? 0) : Math.max(...numbers), query };
}

export async function measureMetric(source: MetricsSource, gate: MetricGate, scope: MetricScope, at: () => Date, signal?: AbortSignal): Promise<Measurement> {
  const judged = await read(source, queryFor(gate, scope.judged), signal);
  const comparison = gate.max !== undefined ? '<=' : '>=';
  const threshold = gate.max ?? gate.min ?? 0;
  const common = { gate: gate.name, kind: 'metric' as const, at: at().toISOString(), query: judged.query, window: gate.window, threshold, comparison } as const;
  const who = scope.label ? `${scope.label} ` : '';
  const show = (v: number) => formatValue(gate.kind, v);
  if ('none' in judged) {
    const outcome = judged.unreachable || gate.noData === 'inconclusive' ? 'inconclusive' : 'fail';
    return { ...common, outcome, reason: `${gate.name}: ${who}${judged.none}${outcome === 'inconclusive' ? ' (inconclusive)' : ''}` };
  }
  const value = judged.value;
  const breached = gate.max !== undefined ? value > gate.max : gate.min !== undefined && value < gate.min;
  const bound = `${gate.max !== undefined ? '>' : '<'} ${show(threshold)}`;
  const within = `${gate.max !== undefined ? '<=' : '>='} ${show(threshold)}`;
  const base = scope.baseline !== undefined ? await read(source, queryFor(gate, scope.baseline), signal) : undefined;
  const baseline = base && 'value' in base ? base.value : undefined;
  const against = baseline !== undefined ? `; stable ${show(baseline)}` : '';
  const extra = { value, ...(baseline !== undefined ? { baseline } : {}) };
  if (!breached) return { ...common, ...extra, outcome: 'pass', reason: `${gate.name} ${who}${show(value)} ${within} over ${gate.window}${against}` };
  // Stable breaches the bound too (the bug being fixed): the canary passes if it is no worse.
  const noWorse = baseline !== undefined && (gate.max !== undefined ? value <= baseline : value >= baseline);
  if (noWorse) {
    return { ...common, ...extra, outcome: 'pass', reason: `${gate.name} ${who}${show(value)} ${bound} over ${gate.window}, but no worse than stable's ${show(baseline)}` };
  }
  return { ...common, ...extra, outcome: 'fail', reason: `${gate.name} ${who}${show(value)} ${bound} over ${gate.window}${against}` };
}
