// A target's canary for the panel: the saved deploy state (every step's verdict), the live tracks
// through the kube context, and the gated metrics over the deploy from Prometheus (query_range on
// the canary's track). What cannot be read becomes a note; the rest is still shown.

import * as path from 'node:path';
import { resolveTarget, type Target } from '../../core/config/targets';
import { CANARY_TRACK } from '../../core/deploy/canary-plan';
import { deployKey, type DeployState } from '../../core/deploy/state';
import { queryFor } from '../../core/verify/settings';
import type { CanaryView, SeriesView } from '../../shared/protocol';
import type { DeployService } from '../deploy/service';
import { canaryView } from './views';

export interface LoadedCanary {
  readonly view?: CanaryView;
  readonly note?: string;
}

/** About 120 points over the deploy, at least one per second. */
const stepSeconds = (fromMs: number, toMs: number) => Math.max(1, Math.ceil((toMs - fromMs) / 1000 / 120));

export async function loadCanary(deploys: DeployService, root: string, name: string): Promise<LoadedCanary> {
  const [{ readConfigFile }, { FileStateStore }, { locateRepository }] = await Promise.all([
    import('../../adapters/config-file.js'),
    import('../../adapters/store/file-store.js'),
    import('../../adapters/git/discovery.js'),
  ]);
  const config = await readConfigFile(root);
  if (!config.ok) return { note: config.reason };
  const target = resolveTarget(config.value, name);
  if (!target.ok) return { note: target.reason };
  const location = await locateRepository(root);
  if (!location) return { note: `${root} is not a git repository` };
  const state = await new FileStateStore(path.join(location.commonDir, 'hotfix')).read<DeployState>(deployKey(name));
  if (!state) return { note: `No deploy of ${name} has run from this repository yet.` };
  const [live, series] = await Promise.all([deploys.live(root, name), gatedSeries(target.value, state)]);
  const notes = ['error' in live && !('target' in live) ? `The cluster could not be read: ${live.error}` : undefined, series.note].filter((n): n is string => n !== undefined);
  const view = canaryView({
    state,
    ...('target' in live ? { live } : {}),
    target: name,
    app: target.value.app,
    series: series.series,
    running: deploys.isRunning(root, name),
    ...(notes.length > 0 ? { note: notes.join('; ') } : {}),
  });
  return view ? { view } : {};
}

async function gatedSeries(target: Target, state: DeployState): Promise<{ series: SeriesView[]; note?: string }> {
  const { verify } = target;
  if (verify.metrics.length === 0 || state.strategy !== 'canary') return { series: [] };
  if (verify.prometheusUrl === undefined) return { series: [], note: 'No Prometheus is configured: the charts need prometheus.url.' };
  const { PrometheusSource, queryRange } = await import('../../adapters/verify/prometheus.js');
  const source = new PrometheusSource(verify.prometheusUrl, verify.prometheusTimeoutMs);
  const start = new Date(state.startedAt);
  const end = state.finishedAt ? new Date(state.finishedAt) : new Date();
  const step = stepSeconds(start.getTime(), end.getTime());
  const errors: string[] = [];
  const series = await Promise.all(
    verify.metrics.map(async (gate): Promise<SeriesView> => {
      const answer = await queryRange(source, queryFor(gate, `${verify.trackLabel}="${CANARY_TRACK}"`), start, end, step);
      if (!answer.ok) errors.push(`${gate.name}: ${answer.error}`);
      return {
        gate: gate.name,
        unit: gate.kind === 'error-rate' ? 'ratio' : gate.kind === 'latency' ? 'seconds' : 'number',
        ...(gate.max !== undefined ? { threshold: gate.max, comparison: '<=' } : gate.min !== undefined ? { threshold: gate.min, comparison: '>=' } : {}),
        points: answer.ok ? answer.points : [],
      };
    }),
  );
  return { series, ...(errors.length > 0 ? { note: `Prometheus at ${verify.prometheusUrl}: ${errors.join('; ')}` } : {}) };
}
