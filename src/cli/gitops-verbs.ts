// The gitops verbs' work: open the target through its kube context, ask the adapters, print each
// object's outcome. Loaded only when a gitops verb runs.

import { openDeploy, type OpenDeploy } from '../adapters/deploy-workspace';
import { pauseTarget, restoreTarget } from '../app/gitops-restore';
import { detectOwners } from '../core/gitops/detect';
import { EXIT, type ExitCode } from './exit-codes';
import { incidentLinkLines } from './incident-link-lines';
import { reporter, type Reporter } from './output';
import type { Io } from './program';

export interface GitopsOptions {
  readonly target: string;
  readonly repo?: string;
  readonly json?: boolean;
  readonly kubeconfig?: string;
}

async function open(out: Reporter, options: GitopsOptions): Promise<OpenDeploy | ExitCode> {
  const opened = await openDeploy(options.repo ?? process.cwd(), options.target, {
    ...(options.kubeconfig ? { kubeconfig: options.kubeconfig } : {}),
    progress: (m) => out.progress(m),
  });
  if (!opened.ok) return out.refused(opened);
  const { kube, target: t } = opened.value;
  out.line(`target ${t.name} (${t.strategy}${t.protected ? ', protected' : ''}): context ${kube.context} (${kube.server}), namespace ${t.namespace}`);
  return opened.value;
}

const message = (error: unknown) => (error instanceof Error ? error.message : String(error));

export async function statusVerb(io: Io, options: GitopsOptions): Promise<ExitCode> {
  const out = reporter(io, options.json === true);
  const opened = await open(out, options);
  if (typeof opened === 'number') return opened;
  try {
    const owners = await detectOwners(opened.context.cluster, opened.target);
    const lines =
      owners.length === 0
        ? [`Nothing labels ${opened.target.name} as managed by Argo CD or Flux: an imperative change stays.`]
        : owners.flatMap((o) => [
            `${o.label}${o.exists ? '' : ' (not found)'}: auto-sync ${o.autoSync ? 'on' : 'off'}${o.selfHeal ? ' with selfHeal' : ''}${o.interval ? `, every ${o.interval}` : ''}`,
            `  found by ${o.via}`,
            `  reverts an imperative change ${o.revertsWhen}`,
            ...(o.appliedRevision ? [`  applied revision ${o.appliedRevision}`] : []),
            ...(o.paused ? [`  paused by ${o.paused.by} since ${o.paused.at}${o.paused.incident ? ` for ${o.paused.incident}` : ''}; previous policy ${o.paused.previous}`] : []),
          ]);
    return out.result({ target: opened.target.name, mode: opened.target.gitops.autoSync, owners }, lines);
  } catch (error) {
    return out.failure(`Could not read the GitOps owners of ${opened.target.name}: ${message(error)}`, undefined, EXIT.failed);
  }
}

export async function pauseVerb(io: Io, options: GitopsOptions & { incident?: string; yes?: boolean }): Promise<ExitCode> {
  const out = reporter(io, options.json === true);
  const opened = await open(out, options);
  if (typeof opened === 'number') return opened;
  try {
    const done = await pauseTarget(opened, { confirmed: options.yes === true, ...(options.incident !== undefined ? { incident: options.incident } : {}) });
    if (!done.ok) return out.refused(done);
    const { results, link } = done.value;
    const lines = [...results.map((r) => r.line), ...incidentLinkLines(link)];
    if (results.some((r) => r.outcome.kind === 'paused')) lines.push(`Restore with: hotfix-deployer gitops restore --target=${opened.target.name}${link.incident ? ` (or it is restored when ${link.incident} is resolved)` : ''}`);
    const failedAny = results.some((r) => r.outcome.kind === 'failed');
    if (failedAny) return out.failure(lines.join('\n'), undefined, EXIT.failed, { results });
    return out.result({ results, ...(link.incident ? { incident: link.incident } : {}) }, lines);
  } catch (error) {
    return out.failure(`Could not pause auto-sync for ${opened.target.name}: ${message(error)}`, undefined, EXIT.failed);
  }
}

export async function restoreVerb(io: Io, options: GitopsOptions & { yes?: boolean; force?: boolean }): Promise<ExitCode> {
  const out = reporter(io, options.json === true);
  const opened = await open(out, options);
  if (typeof opened === 'number') return opened;
  try {
    const done = await restoreTarget(opened, { confirmed: options.yes === true, force: options.force === true });
    if (!done.ok) return out.refused(done);
    const { results, links, notes } = done.value;
    const lines = [...notes.map((n) => `note: ${n}`), ...(results.length === 0 ? [`Nothing of ${opened.target.name} is paused by hotfix-deployer.`] : [...results.map((r) => r.line), ...links.flatMap(incidentLinkLines)])];
    if (results.some((r) => r.outcome.kind === 'failed')) return out.failure(lines.join('\n'), undefined, EXIT.failed, { results });
    return out.result({ results }, lines);
  } catch (error) {
    return out.failure(`Could not restore auto-sync for ${opened.target.name}: ${message(error)}`, undefined, EXIT.failed);
  }
}
