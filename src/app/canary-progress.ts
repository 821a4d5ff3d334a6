// A target's canary as the panel follows it: the saved deploy state (every step's verdict), the live
// tracks through the kube context, and the gated metrics over the deploy from Prometheus (query_range
// on the canary's track). What cannot be read becomes a note; the rest is still given.

import * as path from 'node:path';
import { PrometheusSource, queryRange } from '../adapters/verify/prometheus';
import { FileStateStore } from '../adapters/store/file-store';
import { resolveTarget, type Target } from '../core/config/targets';
import { CANARY_TRACK } from '../core/deploy/canary-plan';
import { deployKey, type DeployState } from '../core/deploy/state';
import { queryFor, type MetricGate } from '../core/verify/settings';
import { findRepository, teamConfiguration } from './repository';

export interface GateSeries {
  readonly gate: MetricGate;
  readonly points: readonly (readonly [number, number])[];
}

export interface CanaryProgress {
  readonly target: Target;
  readonly state: DeployState;
  readonly series: readonly GateSeries[];
  readonly notes: readonly string[];
}

/** About 120 points over the deploy, at least one per second. */
const stepSeconds = (fromMs: number, toMs: number) => Math.max(1, Math.ceil((toMs - fromMs) / 1000 / 120));

/** The saved state and the metric series; the live tracks come from the front end's kept opening. */
export async function canaryProgress(root: string, name: string): Promise<CanaryProgress | { readonly note: string } | undefined> {
  const config = await teamConfiguration(root);
  if (!config.ok) return { note: config.reason };
  const target = resolveTarget(config.value, name);
  if (!target.ok) return { note: target.reason };
  const location = await findRepository(root);
  if (!location) return { note: `${root} is not a git repository` };
  const state = await new FileStateStore(path.join(location.commonDir, 'hotfix')).read<DeployState>(deployKey(name));
  if (!state) return { note: `No deploy of ${name} has run from this repository yet.` };
  const series = await gatedSeries(target.value, state);
  return { target: target.value, state, series: series.series, notes: series.note ? [series.note] : [] };
}

async function gatedSeries(target: Target, state: DeployState): Promise<{ series: GateSeries[]; note?: string }> {
  const { verify } = target;
  if (verify.metrics.length === 0 || state.strategy !== 'canary') return { series: [] };
  if (verify.prometheusUrl === undefined) return { series: [], note: 'No Prometheus is configured: the charts need prometheus.url.' };
  const source = new PrometheusSource(verify.prometheusUrl, verify.prometheusTimeoutMs);
  const start = new Date(state.startedAt);
  const end = state.finishedAt ? new Date(state.finishedAt) : new Date();
  const step = stepSeconds(start.getTime(), end.getTime());
  const errors: string[] = [];
  const series = await Promise.all(
    verify.metrics.map(async (gate): Promise<GateSeries> => {
      const answer = await queryRange(source, queryFor(gate, `${verify.trackLabel}="${CANARY_TRACK}"`), start, end, step);
      if (!answer.ok) errors.push(`${gate.name}: ${answer.error}`);
      return { gate, points: answer.ok ? answer.points : [] };
    }),
  );
  return { series, ...(errors.length > 0 ? { note: `Prometheus at ${verify.prometheusUrl}: ${errors.join('; ')}` } : {}) };
}
