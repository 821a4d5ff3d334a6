// Switch Kube Context: the contexts of the person's kubeconfig (the setting, else $KUBECONFIG's first
// file, else ~/.kube/config) and setting its current-context, as `kubectl config use-context` does.
// The kubeconfig reader and editor (yaml) load apart (dist/kube-context.js), on first use.

import { kubeconfigFiles } from '../adapters/kube/kubeconfig-files';
import { failed, type Result } from '../core/result';
import type { KubeContexts } from '../adapters/kube/use-context';

export type { KubeContexts };

export interface ContextsOfFile {
  /** The file whose current-context a switch sets. */
  readonly file: string;
  readonly contexts: KubeContexts;
}

/** The contexts of the kubeconfig `file` (the setting), else of the first file kubectl would read. */
export async function kubeContexts(file: string | undefined): Promise<Result<ContextsOfFile>> {
  const first = kubeconfigFiles(file ? { file } : {})[0];
  if (!first) return failed('No kubeconfig file was found.', 'Point the hotfixDeployer.kubeconfig setting or $KUBECONFIG at your kubeconfig.');
  const { readContexts } = await import('../adapters/kube/use-context.js');
  const read = await readContexts(first);
  return read.ok ? { ok: true, value: { file: first, contexts: read.value } } : read;
}

/** Sets current-context in `file`; the value is the context's name. */
export async function switchKubeContext(file: string, name: string): Promise<Result<string>> {
  const { useContext } = await import('../adapters/kube/use-context.js');
  return useContext(file, name);
}
