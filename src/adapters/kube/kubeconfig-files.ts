// Which kubeconfig files kubectl would read: an explicit file (the hotfixDeployer.kubeconfig setting
// or --kubeconfig), else every file in $KUBECONFIG, else ~/.kube/config. No Kubernetes client needed.

import * as os from 'node:os';
import * as path from 'node:path';

export interface KubeconfigSource {
  /** An explicit file: the VS Code setting or --kubeconfig. */
  readonly file?: string;
  readonly env?: NodeJS.ProcessEnv;
  readonly home?: string;
}

export function kubeconfigFiles(source: KubeconfigSource): string[] {
  const env = source.env ?? process.env;
  if (source.file) return [source.file];
  const fromEnv = env['KUBECONFIG'];
  if (fromEnv) return fromEnv.split(path.delimiter).filter((f) => f.length > 0);
  return [path.join(source.home ?? os.homedir(), '.kube', 'config')];
}
