// The cluster side of the extension-host suite: the project's real control plane (test/kube), with
// a namespace `shop` running Deployment `checkout` (3 replicas, target `staging`, rolling) and
// `web` behind Service `web` (target `web`, canary), and the Helm release `api` (installed, then upgraded by the
// project's Helm: revisions 1 and 2; target `api`, with no helm: in its config, so the release is detected from
// the Deployment's annotations), and the Argo Rollout `cart` (target `cart`, argo-rollout) whose step analysis fails
// under the real Argo Rollouts controller (rollout-app.mjs), named in the workspace's .hotfix/config.yaml. The extension host gets KUBECONFIG,
// and the Helm binary's path (HOTFIX_TEST_HELM) for its helmPath setting.
// That kubeconfig goes through a counting relay (kube-counter.mjs): `connections` is the file with one
// line per connection the extension host opened to the API server.
import { execFileSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import * as k8s from '@kubernetes/client-node';
import { createArgoApplication } from '../kube/argocd.mjs';
import { helmBinary, writeChart } from '../kube/helm.mjs';
import { findBinaries, startCluster, stopCluster } from '../kube/cluster.mjs';
import { defaultServiceAccount } from '../kube/wait.mjs';
import { startKubeCounter } from './kube-counter.mjs';
import { startRolloutApp } from './rollout-app.mjs';

export const NAMESPACE = 'shop';

/** Starts the cluster in `dir` and deploys the app; returns the relayed kubeconfig, the connection log and a stop function. */
export async function startHostCluster(dir, workspace) {
  if (findBinaries().missing.length > 0) {
    throw new Error('the Kubernetes test binaries are missing: run bash test/kube/build-kube.sh');
  }
  const handle = await startCluster({ dir });
  let rollouts;
  try {
    const kc = new k8s.KubeConfig();
    kc.loadFromFile(handle.kubeconfig);
    const core = kc.makeApiClient(k8s.CoreV1Api);
    const apps = kc.makeApiClient(k8s.AppsV1Api);
    await core.createNamespace({ body: { metadata: { name: NAMESPACE } } });
    await defaultServiceAccount(core, NAMESPACE);
    const labels = { app: 'checkout' };
    await apps.createNamespacedDeployment({ namespace: NAMESPACE, body: {
      metadata: { name: 'checkout', labels },
      spec: { replicas: 3, progressDeadlineSeconds: 10, selector: { matchLabels: labels },
        strategy: { type: 'RollingUpdate', rollingUpdate: { maxSurge: 1, maxUnavailable: 0 } },
        template: { metadata: { labels }, spec: { containers: [{ name: 'app', image: 'checkout:1.4.0' }] } } } } });
    // A canary target: stable `web` (its selector includes track: stable) behind Service `web`.
    const web = { app: 'web', track: 'stable' };
    await apps.createNamespacedDeployment({ namespace: NAMESPACE, body: {
      metadata: { name: 'web', labels: { app: 'web' } },
      spec: { replicas: 2, progressDeadlineSeconds: 10, selector: { matchLabels: web },
        template: { metadata: { labels: web }, spec: { containers: [{ name: 'app', image: 'web:2.0' }] } } } } });
    await core.createNamespacedService({ namespace: NAMESPACE, body: { metadata: { name: 'web' }, spec: { selector: { app: 'web' }, ports: [{ port: 80, targetPort: 8080 }] } } });
    await gitopsApp(kc, workspace, apps);
    helmApp(path.join(dir, 'helm'), handle.kubeconfig);
    rollouts = await startRolloutApp({ kubeconfig: handle.kubeconfig, namespace: NAMESPACE, dir });
    for (const name of ['checkout', 'web', 'payments', 'api']) {
      for (let i = 0; i < 100; i++) {
        const d = await apps.readNamespacedDeployment({ name, namespace: NAMESPACE });
        if (d.status?.availableReplicas === d.spec?.replicas) break;
        await new Promise((r) => setTimeout(r, 100));
      }
    }
    mkdirSync(path.join(workspace, '.hotfix'), { recursive: true });
    writeFileSync(path.join(workspace, '.hotfix', 'config.yaml'),
      `# written by the extension-host launcher\ntargets:\n  staging:\n    namespace: ${NAMESPACE}\n    app: checkout\n    image: "checkout:{version}"\n` +
      `  web:\n    namespace: ${NAMESPACE}\n    app: web\n    strategy: canary\n    canary: { steps: [50, 100], pause: 60s }\n` +
      `  api:\n    namespace: ${NAMESPACE}\n    app: api\n` +
      `  cart:\n    namespace: ${NAMESPACE}\n    app: cart\n    strategy: argo-rollout\n` +
      `  payments:\n    namespace: ${NAMESPACE}\n    app: payments\n    gitops:\n      autoSync: ask\n      manifests: { repo: ../infra, path: apps/payments/deployment.yaml }\n`);
  } catch (error) {
    await rollouts?.stop().catch(() => {});
    await stopCluster(handle);
    throw error;
  }
  const connections = path.join(dir, 'extension-host-connections.log');
  const kubeconfig = path.join(dir, 'kubeconfig.relayed');
  const counter = await startKubeCounter({ server: handle.server, from: handle.kubeconfig, kubeconfig, log: connections })
    .catch(async (error) => { await rollouts?.stop().catch(() => {}); await stopCluster(handle); throw error; });
  return { kubeconfig, connections, helm: helmBinary(), stop: async () => {
    await counter.close();
    // The controller before the API server it watches; the cluster stops even if the controller would not.
    try { await rollouts?.stop(); } finally { await stopCluster(handle); }
  } };
}

/**
 * A GitOps-managed target: Deployment `payments`, labelled as Argo CD's Application `payments` (in
 * namespace argocd, auto-sync with selfHeal), running an image tagged with a commit that is not the
 * production release (drift). Only the Application's CRD and object: no Argo CD controller runs here.
 * Returns that commit, made with commit-tree on a branch `experiment` so no other branch moves.
 */
async function gitopsApp(kc, workspace, apps) {
  const git = (...args) => execFileSync('git', args, { cwd: workspace, encoding: 'utf8' }).trim();
  const sha = git('commit-tree', 'HEAD^{tree}', '-p', 'HEAD', '-m', 'experiment: try a faster checkout');
  git('update-ref', 'refs/heads/experiment', sha);
  await createArgoApplication(kc, { name: 'payments', destinationNamespace: NAMESPACE, repoURL: 'https://git.example/infra.git', path: 'apps/payments' });
  manifestsRepo(path.join(path.dirname(workspace), 'infra'), `payments:${sha.slice(0, 12)}`);
  const labels = { app: 'payments' };
  await apps.createNamespacedDeployment({ namespace: NAMESPACE, body: {
    metadata: { name: 'payments', labels: { ...labels, 'argocd.argoproj.io/instance': 'payments' } },
    spec: { replicas: 1, progressDeadlineSeconds: 10, selector: { matchLabels: labels },
      template: { metadata: { labels }, spec: { containers: [{ name: 'app', image: `payments:${sha.slice(0, 12)}` }] } } } } });
  return sha;
}

/**
 * The Helm release `api` in shop, as a team's chart makes it: installed with api:1.0, then upgraded to
 * api:1.1 (revisions 1 and 2). Helm runs with a HOME of its own under `dir`.
 */
function helmApp(dir, kubeconfig) {
  const chart = path.join(dir, 'chart');
  writeChart(chart, { name: 'api', progressDeadlineSeconds: 10 });
  const env = { PATH: process.env.PATH ?? '', HOME: dir, HELM_CACHE_HOME: path.join(dir, 'cache'), HELM_CONFIG_HOME: path.join(dir, 'config'), HELM_DATA_HOME: path.join(dir, 'data') };
  const helm = (...args) => execFileSync(helmBinary(), [...args, '--kubeconfig', kubeconfig, '--namespace', NAMESPACE], { env, encoding: 'utf8' });
  helm('install', 'api', chart, '--wait', '--timeout', '60s');
  helm('upgrade', 'api', chart, '--reuse-values', '--set-string', 'image.tag=1.1', '--wait', '--timeout', '60s');
}

/** The manifests repository Argo CD would sync payments from: `infra/` (a clone) beside the workspace, `infra.git` its remote. */
function manifestsRepo(work, image) {
  const remote = `${work}.git`;
  const git = (cwd, ...args) => execFileSync('git', args, { cwd, encoding: 'utf8' }).trim();
  mkdirSync(path.join(work, 'apps', 'payments'), { recursive: true });
  git(path.dirname(work), 'init', '--quiet', '--bare', '--initial-branch=main', remote);
  git(work, 'init', '--quiet', '--initial-branch=main');
  git(work, 'config', 'user.name', 'Ada Oncall');
  git(work, 'config', 'user.email', 'ada@example.com');
  git(work, 'remote', 'add', 'origin', remote);
  writeFileSync(path.join(work, 'apps', 'payments', 'deployment.yaml'),
    `apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: payments\nspec:\n  template:\n    spec:\n      containers:\n      - name: app\n        image: ${image}\n`);
  git(work, 'add', '.');
  git(work, 'commit', '--quiet', '-m', 'payments: the experiment build');
  git(work, 'push', '--quiet', 'origin', 'main');
}
