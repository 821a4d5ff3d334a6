// @ts-check
// Polling until something holds, for scripts around the test cluster (the sandbox, the benchmarks):
// a probe that throws counts as not yet, and the last error is named when time runs out. Also the
// install of a release's CRDs, which is such a wait.

import { readFileSync } from 'node:fs';
import * as k8s from '@kubernetes/client-node';

/**
 * @param {string} what for the timeout message: "timed out after 30s waiting for <what>"
 * @param {() => Promise<unknown>} probe truthy when done
 * @param {{ timeoutMs?: number, intervalMs?: number }} [options] default 60 s, every 250 ms
 */
export async function waitFor(what, probe, { timeoutMs = 60_000, intervalMs = 250 } = {}) {
  const end = Date.now() + timeoutMs;
  let last = '';
  for (;;) {
    try {
      if (await probe()) return;
    } catch (error) {
      last = /** @type {Error} */ (error).message;
    }
    if (Date.now() > end) throw new Error(`timed out after ${timeoutMs / 1000}s waiting for ${what}${last ? ` (${last})` : ''}`);
    await new Promise((r) => setTimeout(r, intervalMs));
  }
}

/**
 * Waits for a new namespace's `default` ServiceAccount, which the controller manager creates a moment after
 * the namespace: until then the apiserver rejects pods that would run as it.
 * @param {k8s.CoreV1Api} core @param {string} namespace
 */
export function defaultServiceAccount(core, namespace) {
  return waitFor(`the default ServiceAccount of namespace ${namespace}`,
    () => core.readNamespacedServiceAccount({ name: 'default', namespace }), { timeoutMs: 30_000, intervalMs: 100 });
}

/**
 * Creates every document of the YAML files (an existing one is left as it is), then waits until each
 * CRD among them is Established and discovery lists `group`/`version`: discovery lags the condition a little.
 * @param {string} kubeconfig @param {readonly string[]} files
 * @param {{ group: string, version: string, only?: (d: k8s.KubernetesObject) => boolean }} served
 * @returns {Promise<k8s.V1CustomResourceDefinition[]>} the CRDs
 */
export async function installCrds(kubeconfig, files, { group, version, only = () => true }) {
  const kc = new k8s.KubeConfig();
  kc.loadFromFile(kubeconfig);
  const objects = kc.makeApiClient(k8s.KubernetesObjectApi);
  /** @type {k8s.KubernetesObject[]} */
  const documents = files.flatMap((f) => /** @type {k8s.KubernetesObject[]} */ (k8s.loadAllYaml(readFileSync(f, 'utf8'))).filter((d) => Boolean(d) && only(d)));
  const crds = /** @type {k8s.V1CustomResourceDefinition[]} */ (documents.filter((d) => d.kind === 'CustomResourceDefinition'));
  for (const body of documents) {
    await objects.create(body).catch((/** @type {any} */ error) => {
      if (error?.code !== 409) throw new Error(`installing ${body.kind} ${body.metadata?.name}: ${error?.body ?? error?.message ?? error}`);
    });
  }
  const ext = kc.makeApiClient(k8s.ApiextensionsV1Api);
  for (const crd of crds) {
    const name = /** @type {string} */ (crd.metadata?.name);
    await waitFor(`the CRD ${name} Established`, async () => {
      const live = await ext.readCustomResourceDefinition({ name });
      return live.status?.conditions?.some((c) => c.type === 'Established' && c.status === 'True');
    }, { intervalMs: 100 });
  }
  const apis = kc.makeApiClient(k8s.ApisApi);
  await waitFor(`discovery to list ${group}/${version}`, async () =>
    (await apis.getAPIVersions()).groups.some((g) => g.name === group && g.versions.some((v) => v.version === version)), { intervalMs: 100 });
  return crds;
}
