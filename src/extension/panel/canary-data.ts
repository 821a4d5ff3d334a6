// A target's canary for the panel: the saved deploy state (every step's verdict), the live tracks
// through the kube context, and the gated metrics over the deploy from Prometheus (query_range on
// the canary's track). What cannot be read becomes a note; the rest is still shown. An argo-rollout
// target shows its Rollout even when no deploy ran from this repository: its controller runs the canary.

import type { CanaryView, SeriesView } from '../../shared/protocol';
import type { DeployService } from '../deploy/service';
import { canaryView } from './views';

export interface LoadedCanary {
  readonly view?: CanaryView;
  readonly note?: string;
}

export async function loadCanary(deploys: DeployService, root: string, name: string): Promise<LoadedCanary> {
  const { canaryProgress } = await import('../../app/canary-progress.js');
  const progress = await canaryProgress(root, name);
  if (progress === undefined) return {};
  if ('note' in progress) return (await rolloutAlone(deploys, root, name)) ?? { note: progress.note };
  const { target, state } = progress;
  const live = await deploys.live(root, name);
  const notes = ['error' in live && !('target' in live) ? `The cluster could not be read: ${live.error}` : undefined, ...progress.notes].filter((n): n is string => n !== undefined);
  const view = canaryView({
    state,
    ...('target' in live ? { live } : {}),
    target: name,
    app: target.app,
    series: progress.series.map(({ gate, points }): SeriesView => ({
      gate: gate.name,
      unit: gate.kind === 'error-rate' ? 'ratio' : gate.kind === 'latency' ? 'seconds' : 'number',
      ...(gate.max !== undefined ? { threshold: gate.max, comparison: '<=' } : gate.min !== undefined ? { threshold: gate.min, comparison: '>=' } : {}),
      points: [...points],
    })),
    running: deploys.isRunning(root, name),
    ...(notes.length > 0 ? { note: notes.join('; ') } : {}),
  });
  return view ? { view } : {};
}

/**
 * A target without a deploy state whose app is an Argo Rollout (strategy argo-rollout, or left out and
 * detected): its Rollout read live. Undefined for any other target (its note stands).
 */
async function rolloutAlone(deploys: DeployService, root: string, name: string): Promise<LoadedCanary | undefined> {
  const target = (await deploys.targets()).find((r) => r.root === root)?.targets.find((t) => t.name === name);
  const configured = target?.strategy === 'argo-rollout';
  if (!target || !(configured || target.strategyDefaulted === true)) return undefined;
  const live = await deploys.live(root, name);
  if (!('target' in live)) return configured ? { note: `The cluster could not be read: ${live.error}` } : undefined;
  if (!live.rollout) return configured ? { note: live.error ?? `No Rollout ${target.app} in ${target.namespace}.` } : undefined;
  const view = canaryView({ state: undefined, live, target: name, app: target.app, series: [], running: deploys.isRunning(root, name) });
  return view ? { view } : {};
}
