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
import { openRepository, operationRepository, stateDir, workspaceOf, type OpenRepository, type OpenWorkspace, type RepositoryAccess } from './workspace';

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
  /** The operation's way to its repository (located once, one identity read); default: its own. */
  readonly access?: RepositoryAccess;
}

export interface OpenDeploy {
  /** The repository with its configuration; its branches are none of a deploy's business. */
  readonly repository: OpenRepository;
  /**
   * The repository opened for the hotfix engine too (its git settings resolved against its branches),
   * on first ask: only what a deploy reaches into a hotfix for (a validation suite, what runs mapped to
   * the production baseline) asks. Its refusals (a configured branch gone) never stop a rollback.
   */
  workspace(): Promise<Result<OpenWorkspace>>;
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
  const access = options.access ?? operationRepository();
  // Git says where the repository is and who acts (two processes at once), while the Kubernetes
  // client, a separate bundle (see scripts/build.mjs), loads and the configuration is read: running
  // code that need not wait for them. A refusal below has cost only the loading. The client is
  // required after simple-git's own ticks have started the processes.
  access.prefetchIdentity(dir);
  const client = new Promise<void>((started) => setImmediate(started)).then(() => import('./kube/index.js'));
  client.catch(() => undefined); // awaited below; a refusal first must not leave it unhandled
  const repository = await openRepository(dir, { access, ...(options.readConfig ? { readConfig: options.readConfig } : {}) });
  if (!repository.ok) return repository;
  const identity = access.identity(repository.value.location);
  const target = resolveTarget(repository.value.config, targetName);
  if (!target.ok) return target;
  const { loadKubeconfig, ClientNodeCluster } = await client;
  const kube = loadKubeconfig({ ...(options.kubeconfig ? { file: options.kubeconfig } : {}), ...(options.env ? { env: options.env } : {}) }, target.value.context);
  if (!kube.ok) return kube;
  const { kc, context, server, user } = kube.value;
  const state = stateDir(repository.value.location);
  const actor = (await identity) ?? os.userInfo().username;
  const canaryGate = verificationGate(verifyPorts(target.value.verify), target.value.verify);
  let hotfix: Promise<Result<OpenWorkspace>> | undefined;
  return succeeded({
    repository: repository.value,
    workspace: () => (hotfix ??= workspaceOf(repository.value)),
    target: target.value,
    kube: kube.value,
    context: {
      cluster: new ClientNodeCluster(kc, { context, server, ...(user ? { user } : {}) }),
      // Nothing is spawned until a Helm target asks: a target that is no release costs no helm process.
      helm: new HelmCli({
        kubeconfigFiles: kube.value.files,
        context,
        cwd: repository.value.location.root,
        ...(options.helmPath !== undefined ? { binary: options.helmPath } : {}),
        ...(options.env ? { env: { ...process.env, ...options.env } } : {}),
      }),
      store: new FileStateStore(state),
      audit: auditLogAt(path.join(state, 'audit.jsonl')),
      clock: systemClock,
      target: target.value,
      actor,
      origin: `${os.hostname()} (pid ${process.pid})`,
      smoke: new SmokeChecks(repository.value.location.root),
      ...(canaryGate ? { canaryGate } : {}),
      ...(options.progress ? { progress: options.progress } : {}),
      ...(options.onEvent ? { onEvent: options.onEvent } : {}),
      ...(options.signal ? { signal: options.signal } : {}),
      ...(options.pollMs !== undefined ? { pollMs: options.pollMs } : {}),
    },
  });
}
