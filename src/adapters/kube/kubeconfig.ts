// Loads the kubeconfig exactly as kubectl resolves it: an explicit file (the hotfixDeployer.kubeconfig
// setting or --kubeconfig), else $KUBECONFIG (several files, merged), else ~/.kube/config; then the
// target's context, else the current one. A missing file or context is named, never guessed around.

import { existsSync } from 'node:fs';
// The class alone, not the package's index: that would bring the generated API and model layer (see rest.ts).
import { KubeConfig } from '@kubernetes/client-node/dist/config.js';
import { badInput, succeeded, type Result } from '../../core/result';
import { kubeconfigFiles, type KubeconfigSource } from './kubeconfig-files';

export type { KubeconfigSource };

export interface LoadedKubeconfig {
  readonly kc: KubeConfig;
  readonly files: readonly string[];
  readonly context: string;
  readonly server: string;
  readonly user?: string;
  /** The namespace the context defaults to, if it names one. */
  readonly namespace?: string;
}

export function loadKubeconfig(source: KubeconfigSource, context?: string): Result<LoadedKubeconfig> {
  const files = kubeconfigFiles(source);
  const present = files.filter((f) => existsSync(f));
  if (present.length === 0) {
    return badInput(
      `No kubeconfig found (looked at ${files.join(', ')}).`,
      'Point the hotfixDeployer.kubeconfig setting, --kubeconfig or $KUBECONFIG at your kubeconfig file.',
    );
  }
  const kc = new KubeConfig();
  try {
    const [first = '', ...rest] = present;
    kc.loadFromFile(first);
    for (const file of rest) {
      const more = new KubeConfig();
      more.loadFromFile(file);
      // As kubectl merges: the first file to set a current-context wins.
      kc.mergeConfig(more, kc.getCurrentContext() !== '');
    }
  } catch (error) {
    return badInput(`Cannot read the kubeconfig ${present.join(', ')}: ${error instanceof Error ? error.message : String(error)}`, 'Fix the file or point to another one.');
  }
  const name = context ?? kc.getCurrentContext();
  const ctx = kc.getContextObject(name);
  if (!name || !ctx) {
    const known = kc.getContexts().map((c) => c.name);
    return badInput(
      context ? `The kube context "${context}" is not in ${present.join(', ')}.` : `The kubeconfig ${present.join(', ')} has no current context.`,
      known.length > 0 ? `Contexts there: ${known.join(', ')}. Fix the target's context in .hotfix/config.yaml or switch context.` : 'Add a context to the kubeconfig.',
    );
  }
  kc.setCurrentContext(name);
  const cluster = kc.getCluster(ctx.cluster);
  if (!cluster) {
    return badInput(`The kube context "${name}" names a cluster "${ctx.cluster}" that the kubeconfig does not define.`, 'Fix the kubeconfig.');
  }
  return succeeded({
    kc,
    files: present,
    context: name,
    server: cluster.server,
    ...(ctx.user ? { user: ctx.user } : {}),
    ...(ctx.namespace ? { namespace: ctx.namespace } : {}),
  });
}
