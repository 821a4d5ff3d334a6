// The Deployments view's rows of an argo-rollout target, as `kubectl argo rollouts get` summarises it:
// the Rollout's phase and message, its step and weight, the stable and canary ReplicaSets, and the one
// line that says why analysis failed. Plain rows (no vscode, unit-tested); deploy-tree.ts makes the
// items. The Rollout's row carries Argo Rollout Action… and Show Canary Progress (package.json menus).

import { statusLine, stepLine, type RolloutInfo, type RolloutReplicaSetInfo } from '../../core/rollouts/info';

export interface RolloutRow {
  readonly label: string;
  readonly description: string;
  /** A codicon name. */
  readonly icon: string;
  readonly contextValue: string;
  readonly tooltip: string;
}

const PHASE_ICON: Readonly<Record<string, string>> = { Healthy: 'pass-filled', Progressing: 'sync', Paused: 'debug-pause', Degraded: 'error' };

function setRow(rs: RolloutReplicaSetInfo, where: string): RolloutRow {
  return {
    label: `${rs.role} ${rs.name}`,
    description: `(${rs.images.join(', ')}) ${rs.ready}/${rs.replicas} ready${rs.revision !== undefined ? ` · rev ${rs.revision}` : ''}`,
    icon: rs.role === 'stable' ? 'pass' : rs.role === 'canary' ? 'beaker' : 'circle-large-outline',
    contextValue: `hotfix.live.rollout.rs.${rs.role}`,
    tooltip: `ReplicaSet ${rs.name} (${rs.role}) in ${where}\n${rs.images.join('\n')}\n${rs.ready} ready, ${rs.available} available of ${rs.replicas}`,
  };
}

/** The rows of a Rollout; `where` is the context and namespace, for the tooltips. */
export function rolloutRows(info: RolloutInfo, where: string): RolloutRow[] {
  const status = statusLine(info);
  const rows: RolloutRow[] = [
    {
      label: `Rollout ${info.name}`,
      description: status,
      icon: PHASE_ICON[info.phase] ?? 'circle-large-outline',
      contextValue: `hotfix.live.rollout.status.${info.phase.toLowerCase()}`,
      tooltip: `Argo Rollout ${info.name} in ${where} (${info.strategy}): ${status}`,
    },
  ];
  if (info.strategy === 'canary') {
    rows.push({
      label: stepLine(info),
      description: '',
      icon: 'symbol-event',
      contextValue: 'hotfix.live.rollout.step',
      tooltip: info.steps.map((s, i) => `${i === info.stepIndex ? '▶' : '  '} ${i + 1}. ${s.text}`).join('\n') || 'no steps: straight to the new revision',
    });
  }
  // Stable, then canary, then any older ReplicaSet still running pods (a scale-down in progress).
  const sets = [info.stable, info.canary, ...info.replicaSets.filter((rs) => rs.role === 'old' && rs.replicas > 0)];
  const seen = new Set<string>();
  for (const rs of sets) {
    if (rs === undefined || seen.has(rs.name)) continue;
    seen.add(rs.name);
    rows.push(setRow(rs, where));
  }
  if (info.failure) rows.push({ label: 'Analysis failed', description: info.failure, icon: 'error', contextValue: 'hotfix.live.rollout.analysis.failed', tooltip: info.failure });
  return rows;
}
