// Opens a deploy target for the engine: the repository's config, the target with its defaults, the
// kubeconfig as kubectl resolves it, and the client-node cluster. The CLI and the extension start here.

import * as os from 'node:os';
import * as path from 'node:path';
import { resolveTarget, type Target } from '../core/config/targets';
import type { DeployContext, DeployProgress } from '../core/deploy/context';
import { systemClock } from '../core/ports';
import { succeeded, type Result } from '../core/result';
import type { ConfigReader } from './config-file';
import { HelmCli } from './helm/helm-cli';
import type { LoadedKubeconfig } from './kube/kubeconfig';
import { SmokeChecks } from './smoke';
import { verificationGate } from '../core/verify/gate';
import type { VerifyPorts } from '../core/verify/judge';
import type { VerifySettings } from '../core/verify/settings';
import { httpProber } from './verify/http-probe';
import { PrometheusSource } from './verify/prometheus';
import { auditLogAt } from './store/audit-file';
import { FileStateStore } from './store/file-store';
import { openWorkspace, stateDir, type OpenWorkspace } from './workspace';

export interface DeployOpenOptions {
  /** The hotfixDeployer.kubeconfig setting or --kubeconfig. */
  readonly kubeconfig?: string;
  /** The helm binary (hotfixDeployer.helmPath, HOTFIX_HELM); default `helm` on PATH. */
  readonly helmPath?: string;
  readonly env?: NodeJS.ProcessEnv;
  readonly progress?: DeployProgress;
  readonly onEvent?: DeployContext['onEvent'];
  readonly signal?: AbortSignal;
  readonly pollMs?: number;
  /** The operation's configuration reader (read once); default: the file, read now. */
  readonly readConfig?: ConfigReader;
}

export interface OpenDeploy {
  readonly workspace: OpenWorkspace;
  readonly target: Target;
  readonly kube: LoadedKubeconfig;
  readonly context: DeployContext;
}

/** The Prometheus and the prober a target's verification asks. */
export function verifyPorts(settings: VerifySettings): VerifyPorts {
  return {
    prober: httpProber,
    clock: systemClock,
    ...(settings.prometheusUrl !== undefined ? { metrics: new PrometheusSource(settings.prometheusUrl, settings.prometheusTimeoutMs) } : {}),
  };
}

export async function openDeploy(dir: string, targetName: string, options: DeployOpenOptions = {}): Promise<Result<OpenDeploy>> {
  const workspace = await openWorkspace(dir, options.readConfig ? { readConfig: options.readConfig } : {});
  if (!workspace.ok) return workspace;
  const target = resolveTarget(workspace.value.config, targetName);
  if (!target.ok) return target;
  // A separate bundle (see scripts/build.mjs): loaded here, on first use, not at start-up.
  const { loadKubeconfig, ClientNodeCluster } = await import('./kube/index.js');
  const kube = loadKubeconfig({ ...(options.kubeconfig ? { file: options.kubeconfig } : {}), ...(options.env ? { env: options.env } : {}) }, target.value.context);
  if (!kube.ok) return kube;
  const { kc, context, server, user } = kube.value;
  const state = stateDir(workspace.value.location);
  const actor = (await workspace.value.context.git.identity()) ?? os.userInfo().username;
  const canaryGate = verificationGate(verifyPorts(target.value.verify), target.value.verify);
  return succeeded({
    workspace: workspace.value,
    target: target.value,
    kube: kube.value,
    context: {
      cluster: new ClientNodeCluster(kc, { context, server, ...(user ? { user } : {}) }),
      // Nothing is spawned until a Helm target asks: a target that is no release costs no helm process.
      helm: new HelmCli({
        kubeconfigFiles: kube.value.files,
        context,
        cwd: workspace.value.location.root,
        ...(options.helmPath !== undefined ? { binary: options.helmPath } : {}),
        ...(options.env ? { env: { ...process.env, ...options.env } } : {}),
      }),
      store: new FileStateStore(state),
      audit: auditLogAt(path.join(state, 'audit.jsonl')),
      clock: systemClock,
      target: target.value,
      actor,
      origin: `${os.hostname()} (pid ${process.pid})`,
      smoke: new SmokeChecks(workspace.value.location.root),
      ...(canaryGate ? { canaryGate } : {}),
      ...(options.progress ? { progress: options.progress } : {}),
      ...(options.onEvent ? { onEvent: options.onEvent } : {}),
      ...(options.signal ? { signal: options.signal } : {}),
      ...(options.pollMs !== undefined ? { pollMs: options.pollMs } : {}),
    },
  });
}
