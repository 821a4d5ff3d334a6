// `init`'s I/O: reads the repository's branches, tags and remotes, the kubeconfig's contexts and, for a
// chosen context and namespace, its Deployments, StatefulSets, DaemonSets and Services; writes .hotfix/config.yaml only when told
// it may replace one. The decisions (which strategy, which Service) are in src/core/config/init.ts.

import { existsSync } from 'node:fs';
import { mkdir, rename, writeFile } from 'node:fs/promises';
import * as path from 'node:path';
import { resolveGitSettings } from '../core/config/defaults';
import { renderInitConfig, type ClusterFacts, type InitFacts, type RolloutFacts, type TargetSuggestion } from '../core/config/init';
import { resolveForge } from '../core/hotfix/forge';
import { rolloutView } from '../core/rollouts/model';
import type { KubeObject } from '../core/rollouts/ports';
import { CONFIG_PATH } from '../core/config/types';
import { failed, succeeded, type Result } from '../core/result';
import { locateRepository } from './git/discovery';
import { SimpleGitRepo } from './git/simple-git-repo';
import { kubeconfigFiles, type KubeconfigSource } from './kube/kubeconfig-files';

export interface KubeContextInfo {
  readonly name: string;
  readonly namespace?: string;
}

export interface KubeContextList {
  readonly contexts: readonly KubeContextInfo[];
  readonly current?: string;
}

/** The contexts of every kubeconfig file kubectl would read (the first file naming one wins), without client-node. */
export async function listKubeContexts(source: KubeconfigSource): Promise<KubeContextList> {
  const contexts = new Map<string, KubeContextInfo>();
  let current: string | undefined;
  // Split bundles (scripts/build.mjs): yaml is not part of the extension's start-up code.
  const { readContexts } = await import('./kube/use-context.js');
  for (const file of kubeconfigFiles(source).filter((f) => existsSync(f))) {
    const read = await readContexts(file);
    if (!read.ok) continue;
    current ??= read.value.current;
    for (const c of read.value.contexts) {
      if (!contexts.has(c.name)) contexts.set(c.name, { name: c.name, ...(c.namespace ? { namespace: c.namespace } : {}) });
    }
  }
  return { contexts: [...contexts.values()], ...(current !== undefined ? { current } : {}) };
}

export interface InitOptions {
  readonly kubeconfig?: string;
  readonly env?: NodeJS.ProcessEnv;
  /** Inspect this context's cluster (with `namespace`, else the context's own namespace, else default). */
  readonly context?: string;
  readonly namespace?: string;
  /** Inspect the current context's cluster even without `context`. */
  readonly inspectCluster?: boolean;
}

export interface InitPlan {
  readonly root: string;
  /** The absolute path of .hotfix/config.yaml. */
  readonly file: string;
  readonly exists: boolean;
  readonly text: string;
  readonly facts: InitFacts;
  readonly targets: readonly TargetSuggestion[];
}

/** Detects everything and renders the file; writes nothing. */
export async function planInit(dir: string, options: InitOptions = {}): Promise<Result<InitPlan>> {
  const location = await locateRepository(dir);
  if (!location) {
    return failed(`${dir} is not inside a git repository.`, 'Run it in the repository of the service, or pass --repo=PATH.');
  }
  const git = new SimpleGitRepo(location.root, { gitDir: location.gitDir });
  const [localBranches, remoteBranches, tags, remotes] = await Promise.all([git.localBranches(), git.remoteBranches(), git.tagNames(), git.remotes()]);
  // Only what the repository says: an existing file is what init may be replacing.
  const settings = resolveGitSettings(undefined, { localBranches, remoteBranches, tags, remotes });
  if (!settings.ok) return settings;

  const source: KubeconfigSource = { ...(options.kubeconfig ? { file: options.kubeconfig } : {}), ...(options.env ? { env: options.env } : {}) };
  const kube = await listKubeContexts(source);
  let cluster: ClusterFacts | undefined;
  if (options.context !== undefined || options.namespace !== undefined || options.inspectCluster) {
    const inspected = await inspectCluster(source, options.context, options.namespace);
    if (!inspected.ok) return inspected;
    cluster = inspected.value;
  }
  const url = settings.value.remote !== undefined ? await git.remoteUrl(settings.value.remote) : undefined;
  const forge = resolveForge(url, undefined);
  const facts: InitFacts = {
    git: settings.value,
    ...(forge ? { forge: { kind: forge.kind, repository: forge.repository } } : {}),
    kube: { contexts: kube.contexts.map((c) => c.name), ...(kube.current !== undefined ? { current: kube.current } : {}) },
    ...(cluster ? { cluster } : {}),
  };
  const { text, targets } = renderInitConfig(facts);
  // A bug guard: what init writes must be what the engine reads.
  const { parseConfig } = await import('../core/config/parse.js');
  const check = parseConfig(text, CONFIG_PATH);
  if (!check.ok) return failed(`init produced an invalid ${CONFIG_PATH} (a bug): ${check.reason}`);
  const file = path.join(location.root, ...CONFIG_PATH.split('/'));
  return succeeded({ root: location.root, file, exists: existsSync(file), text, facts, targets });
}

async function inspectCluster(source: KubeconfigSource, context: string | undefined, namespace: string | undefined): Promise<Result<ClusterFacts>> {
  // A separate bundle (see scripts/build.mjs), as deploy loads it: only when a cluster is inspected.
  const { loadKubeconfig, ClientNodeCluster } = await import('./kube/index.js');
  const kube = loadKubeconfig(source, context);
  if (!kube.ok) return kube;
  const ns = namespace ?? kube.value.namespace ?? 'default';
  const cluster = new ClientNodeCluster(kube.value.kc, { context: kube.value.context, server: kube.value.server });
  try {
    const [deployments, workloads, services, rollouts] = await Promise.all([cluster.listDeployments(ns), cluster.workloads.listWorkloads(ns), cluster.listServices(ns), cluster.rollouts.listRollouts(ns).catch(() => [])]);
    return succeeded({ context: kube.value.context, namespace: ns, deployments, workloads, services, ...(rollouts.length > 0 ? { rollouts: rollouts.map(rolloutFacts) } : {}) });
  } catch (error) {
    return failed(
      `Cannot list the Deployments, StatefulSets, DaemonSets and Services in ${ns} of context ${kube.value.context} (${kube.value.server}): ${error instanceof Error ? error.message : String(error)}`,
      'Check the context and namespace (kubectl get deployments,statefulsets,daemonsets,services -n NS), or leave the cluster out and write targets by hand.',
    );
  }
}

/** Writes the file (atomically); an existing one only with `overwrite`. */
export async function writeInitConfig(plan: InitPlan, overwrite: boolean): Promise<Result<string>> {
  if (existsSync(plan.file) && !overwrite) {
    return failed(`${CONFIG_PATH} already exists in ${plan.root}; it was left unchanged.`, 'Run again with --force to replace it (or --dry-run to see what would be written).');
  }
  await mkdir(path.dirname(plan.file), { recursive: true });
  const temp = `${plan.file}.${process.pid}.tmp`;
  await writeFile(temp, plan.text, 'utf8');
  await rename(temp, plan.file);
  return succeeded(plan.file);
}


function rolloutFacts(raw: KubeObject): RolloutFacts {
  const r = rolloutView(raw);
  const labels = ((raw.spec as { template?: { metadata?: { labels?: Record<string, string> } } } | undefined)?.template?.metadata?.labels) ?? {};
  return {
    name: r.name,
    ...(r.workloadRef?.kind === 'Deployment' ? { workloadRef: r.workloadRef.name } : {}),
    podLabels: labels,
    containers: r.containers.map((c) => c.name),
    strategy: r.strategy === 'canary' ? `canary, ${r.steps.length} step${r.steps.length === 1 ? '' : 's'}` : 'blue-green',
  };
}
