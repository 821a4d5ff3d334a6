// Picks the incident store `.hotfix/config.yaml` asks for: the embedded file store under
// .git/hotfix/incidents/ (the default), or labelled ConfigMaps in a namespace of the team's cluster.
// The cluster store lives in the separate Kubernetes bundle (dist/kube.js), loaded only when chosen.

import * as path from 'node:path';
import type { HotfixConfigFile } from '../core/config/types';
import type { IncidentStore } from '../core/incident/ports';
import { failed, succeeded, type Result } from '../core/result';
import type { RepositoryLocation } from './git/discovery';
import { FileIncidentStore } from './store/incident-file-store';
import { stateDir } from './workspace';

export interface IncidentStoreOptions {
  /** The hotfixDeployer.kubeconfig setting or --kubeconfig. */
  readonly kubeconfig?: string;
  readonly env?: NodeJS.ProcessEnv;
}

/** The folder of the file store: shared by every worktree of the repository. */
export function incidentsDir(location: RepositoryLocation): string {
  return path.join(stateDir(location), 'incidents');
}

export async function incidentStore(config: HotfixConfigFile, location: RepositoryLocation, options: IncidentStoreOptions = {}): Promise<Result<IncidentStore>> {
  const section = config.incidents ?? {};
  if ((section.store ?? 'file') === 'file') return succeeded(new FileIncidentStore(incidentsDir(location)));
  const { namespace, context } = section;
  if (!namespace) {
    return failed('incidents.store is cluster but incidents.namespace is not set in .hotfix/config.yaml.', 'Name the namespace that holds the incident ConfigMaps.');
  }
  // A separate bundle (see scripts/build.mjs): loaded here, on first use, not at start-up.
  const { loadKubeconfig, ConfigMapIncidentStore } = await import('./kube/index.js');
  const kube = loadKubeconfig({ ...(options.kubeconfig ? { file: options.kubeconfig } : {}), ...(options.env ? { env: options.env } : {}) }, context);
  if (!kube.ok) return kube;
  return succeeded(new ConfigMapIncidentStore(kube.value.kc, namespace, { context: kube.value.context }));
}
