// The Argo Rollouts side of the extension-host suite's cluster: the real controller (test/kube/argo-rollouts.mjs,
// namespaced to `shop`), a metric endpoint served by this launcher process on loopback that answers
// {"errorRate": 0.12}, the AnalysisTemplate `error-rate` (web provider, failureCondition result > 0.05, count 1)
// and the Rollout `cart` (canary: setWeight 50, analysis error-rate, pause). Once `cart` is Healthy at cart:1.0 its
// image changes to cart:1.1: the step analysis measures 0.12, fails, and the controller aborts the update
// (the Rollout goes Degraded) while the extension host starts; the host test waits for that.
import { createServer } from 'node:http';
import * as path from 'node:path';
import * as k8s from '@kubernetes/client-node';
import { installRolloutsCrds, startRolloutsController } from '../kube/argo-rollouts.mjs';
import { waitFor } from '../kube/wait.mjs';

const group = 'argoproj.io';
const version = 'v1alpha1';
/** What the metric endpoint answers: above the template's 0.05, so the analysis fails. */
export const ERROR_RATE = 0.12;

/** Serves {"errorRate": ERROR_RATE} on 127.0.0.1 (the controller runs on this machine, out of cluster). */
async function metricEndpoint() {
  const server = createServer((req, res) => {
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ errorRate: ERROR_RATE }));
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${server.address().port}/error-rate`, close: () => new Promise((resolve) => server.close(resolve)) };
}

/**
 * Starts the controller and the endpoint, creates the template and the Rollout, and changes its image once it is
 * Healthy. `dir` holds the controller's log. Returns `stop` (controller, then endpoint); on a failure here both stop.
 */
export async function startRolloutApp({ kubeconfig, namespace, dir }) {
  await installRolloutsCrds(kubeconfig);
  const endpoint = await metricEndpoint();
  let stopController;
  const stop = async () => {
    try {
      await stopController?.();
    } finally {
      await endpoint.close();
    }
  };
  try {
    stopController = await startRolloutsController({ kubeconfig, namespace, logFile: path.join(dir, 'rollouts-controller.log') });
    const kc = new k8s.KubeConfig();
    kc.loadFromFile(kubeconfig);
    const custom = kc.makeApiClient(k8s.CustomObjectsApi);
    await custom.createNamespacedCustomObject({ group, version, namespace, plural: 'analysistemplates', body: {
      apiVersion: `${group}/${version}`, kind: 'AnalysisTemplate', metadata: { name: 'error-rate' },
      spec: { metrics: [{ name: 'error-rate', count: 1, failureCondition: 'result > 0.05',
        provider: { web: { url: endpoint.url, jsonPath: '{$.errorRate}', timeoutSeconds: 5 } } }] } } });
    const labels = { app: 'cart' };
    await custom.createNamespacedCustomObject({ group, version, namespace, plural: 'rollouts', body: {
      apiVersion: `${group}/${version}`, kind: 'Rollout', metadata: { name: 'cart' },
      spec: { replicas: 2, revisionHistoryLimit: 3, selector: { matchLabels: labels },
        template: { metadata: { labels }, spec: { containers: [{ name: 'app', image: 'cart:1.0' }] } },
        strategy: { canary: { steps: [{ setWeight: 50 }, { analysis: { templates: [{ templateName: 'error-rate' }] } }, { pause: {} }] } } } } });
    const rollout = () => custom.getNamespacedCustomObject({ group, version, namespace, plural: 'rollouts', name: 'cart' });
    await waitFor('Rollout cart to be Healthy at cart:1.0', async () => {
      const { status } = await rollout();
      return status?.phase === 'Healthy' && status.stableRS !== undefined && status.stableRS === status.currentPodHash && status.availableReplicas === 2;
    }, { timeoutMs: 90_000 });
    // As `kubectl argo rollouts set image` would: the controller starts revision 2 and runs its steps.
    await custom.patchNamespacedCustomObject({ group, version, namespace, plural: 'rollouts', name: 'cart',
      body: [{ op: 'replace', path: '/spec/template/spec/containers/0/image', value: 'cart:1.1' }] },
    k8s.setHeaderOptions('Content-Type', k8s.PatchStrategy.JsonPatch));
  } catch (error) {
    await stop().catch(() => {});
    throw error;
  }
  return { stop };
}
