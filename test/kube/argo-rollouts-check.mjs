// @ts-check
// A manual check, not a test: the real Argo Rollouts controller (test/kube/argo-rollouts.mjs) drives a canary
// on the test cluster. Starts a cluster, installs the CRDs, starts the controller (namespaced), creates a
// Rollout (2 replicas; canary steps setWeight 50, pause {}), changes its image, waits for phase Paused at step 1
// with a canary ReplicaSet, promotes it with the patches `kubectl argo rollouts promote` sends at the pinned
// release (pkg/kubectl-argo-rollouts/cmd/promote/promote.go, default branch: a merge patch to the status
// subresource, then one to the spec if spec.paused), and waits for it to complete. Prints what it saw.
//
//   bash test/kube/build-kube.sh && bash test/kube/build-argo-rollouts.sh
//   node test/kube/argo-rollouts-check.mjs [DIR]    # DIR kept for its logs; a temporary folder otherwise
import { mkdirSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import * as k8s from '@kubernetes/client-node';
import { installRolloutsCrds, ROLLOUTS_VERSION, rolloutsBinary, startRolloutsController } from './argo-rollouts.mjs';
import { findBinaries, startCluster, stopCluster } from './cluster.mjs';
import { defaultServiceAccount, waitFor } from './wait.mjs';

const NAMESPACE = 'rollouts-check';
const NAME = 'web';
const group = 'argoproj.io', version = 'v1alpha1', plural = 'rollouts';
const merge = k8s.setHeaderOptions('Content-Type', k8s.PatchStrategy.MergePatch);
const jsonPatch = k8s.setHeaderOptions('Content-Type', k8s.PatchStrategy.JsonPatch);
const t0 = Date.now();
const log = (/** @type {string} */ line) => console.log(`[${((Date.now() - t0) / 1000).toFixed(1).padStart(5)}s] ${line}`);

if (findBinaries().missing.length > 0) throw new Error('the Kubernetes test binaries are missing: run bash test/kube/build-kube.sh');
rolloutsBinary();
const dir = process.argv[2] ? path.resolve(process.argv[2]) : mkdtempSync(path.join(tmpdir(), 'rollouts-check-'));
mkdirSync(dir, { recursive: true });
const cluster = await startCluster({ dir });
log(`cluster up in ${cluster.startupMs} ms (${dir})`);
/** @type {(() => Promise<void>) | undefined} */
let stopController;
let ok = false;
try {
  const kc = new k8s.KubeConfig();
  kc.loadFromFile(cluster.kubeconfig);
  const core = kc.makeApiClient(k8s.CoreV1Api);
  const apps = kc.makeApiClient(k8s.AppsV1Api);
  const custom = kc.makeApiClient(k8s.CustomObjectsApi);
  const { crds } = await installRolloutsCrds(cluster.kubeconfig);
  log(`CRDs Established: ${crds.join(', ')}`);
  await core.createNamespace({ body: { metadata: { name: NAMESPACE } } });
  await defaultServiceAccount(core, NAMESPACE);
  const logFile = path.join(dir, 'logs', 'rollouts-controller.log');
  stopController = await startRolloutsController({ kubeconfig: cluster.kubeconfig, namespace: NAMESPACE, logFile });
  log(`Argo Rollouts ${ROLLOUTS_VERSION} controller up (log ${logFile})`);

  const labels = { app: NAME };
  await custom.createNamespacedCustomObject({ group, version, namespace: NAMESPACE, plural, body: {
    apiVersion: `${group}/${version}`, kind: 'Rollout', metadata: { name: NAME },
    spec: { replicas: 2, revisionHistoryLimit: 3, selector: { matchLabels: labels },
      template: { metadata: { labels }, spec: { containers: [{ name: 'app', image: 'web:1.0' }] } },
      strategy: { canary: { steps: [{ setWeight: 50 }, { pause: {} }] } } } } });

  /** @returns {Promise<any>} */
  const rollout = () => custom.getNamespacedCustomObject({ group, version, namespace: NAMESPACE, plural, name: NAME });
  const replicaSets = async () => (await apps.listNamespacedReplicaSet({ namespace: NAMESPACE })).items
    .map((rs) => `${rs.metadata?.name} (${rs.spec?.template?.spec?.containers?.[0]?.image}, ${rs.status?.readyReplicas ?? 0}/${rs.spec?.replicas} ready, revision ${rs.metadata?.annotations?.['rollout.argoproj.io/revision']})`)
    .sort();
  const describe = (/** @type {any} */ ro) => `phase ${ro.status?.phase}, step ${ro.status?.currentStepIndex}, paused ${ro.spec?.paused ?? false}, ` +
    `pauseConditions ${JSON.stringify(ro.status?.pauseConditions?.map((/** @type {any} */ c) => c.reason) ?? [])}, stableRS ${ro.status?.stableRS}, currentPodHash ${ro.status?.currentPodHash}, ` +
    `replicas ${ro.status?.replicas}/${ro.status?.updatedReplicas} updated/${ro.status?.availableReplicas} available, message "${ro.status?.message ?? ''}"`;

  await waitFor('the Rollout to be Healthy at web:1.0', async () => {
    const ro = await rollout();
    return ro.status?.phase === 'Healthy' && ro.status?.stableRS && ro.status.stableRS === ro.status.currentPodHash && ro.status.availableReplicas === 2;
  }, { timeoutMs: 90_000 });
  log(`created: ${describe(await rollout())}`);
  log(`  ReplicaSets: ${(await replicaSets()).join('; ')}`);

  // The image change, as a JSON patch on the template (the product's own write may differ).
  await custom.patchNamespacedCustomObject({ group, version, namespace: NAMESPACE, plural, name: NAME,
    body: [{ op: 'replace', path: '/spec/template/spec/containers/0/image', value: 'web:1.1' }] }, jsonPatch);
  log('image changed to web:1.1');
  await waitFor('the Rollout to pause at step 1 with a canary ReplicaSet', async () => {
    const ro = await rollout();
    return ro.status?.phase === 'Paused' && ro.status?.currentStepIndex === 1 && ro.status.currentPodHash !== ro.status.stableRS
      && (await apps.listNamespacedReplicaSet({ namespace: NAMESPACE })).items.length === 2;
  }, { timeoutMs: 90_000 });
  const paused = await rollout();
  log(`paused: ${describe(paused)}`);
  log(`  ReplicaSets: ${(await replicaSets()).join('; ')}`);

  // promote as the plugin does, default branch (neither --full nor the deprecated skip flags):
  // status subresource first, merge patch; then the spec, merge patch, only if spec.paused is true.
  /** @type {object | undefined} */
  let statusPatch;
  if ((paused.status?.pauseConditions ?? []).length > 0) statusPatch = { status: { pauseConditions: null } };
  else if (typeof paused.status?.currentStepIndex === 'number') {
    statusPatch = { status: { pauseConditions: null, currentStepIndex: Math.min(paused.status.currentStepIndex + 1, 2) } };
  }
  if (statusPatch) {
    await custom.patchNamespacedCustomObjectStatus({ group, version, namespace: NAMESPACE, plural, name: NAME, body: statusPatch }, merge);
    log(`promote: PATCH rollouts/${NAME}/status application/merge-patch+json ${JSON.stringify(statusPatch)}`);
  }
  if (paused.spec?.paused) {
    await custom.patchNamespacedCustomObject({ group, version, namespace: NAMESPACE, plural, name: NAME, body: { spec: { paused: false } } }, merge);
    log(`promote: PATCH rollouts/${NAME} application/merge-patch+json {"spec":{"paused":false}}`);
  }
  await waitFor('the Rollout to complete at web:1.1', async () => {
    const ro = await rollout();
    return ro.status?.phase === 'Healthy' && ro.status.stableRS === ro.status.currentPodHash && ro.status.currentPodHash !== paused.status.stableRS
      && ro.status.availableReplicas === 2 && ro.status.updatedReplicas === 2;
  }, { timeoutMs: 90_000 });
  log(`completed: ${describe(await rollout())}`);
  await waitFor('the old ReplicaSet to scale down', async () =>
    (await apps.listNamespacedReplicaSet({ namespace: NAMESPACE })).items.every((rs) => rs.metadata?.name?.endsWith(paused.status.currentPodHash) || rs.spec?.replicas === 0), { timeoutMs: 60_000 });
  log(`  ReplicaSets: ${(await replicaSets()).join('; ')}`);
  ok = true;
} finally {
  if (stopController) await stopController();
  await stopCluster(cluster);
  log(ok ? 'OK' : `FAILED: the logs are in ${path.join(dir, 'logs')}`);
}
