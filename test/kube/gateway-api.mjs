// @ts-check
// The real Gateway API CRDs on the test cluster: the standard channel of the sigs.k8s.io/gateway-api release
// that test/kube/gateway-api/go.mod pins, copied out of the module cache by build-kube.sh (with go.sum's hash
// checked). Installs every file of the channel, its ValidatingAdmissionPolicy included, and waits until the
// kinds are served. No Gateway controller runs: the routes are stored and validated, not programmed.
//
//   import { installGatewayApi } from './gateway-api.mjs';
//   const { bundleVersion } = await installGatewayApi(kubeconfig);
import { readdirSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import * as k8s from '@kubernetes/client-node';
import { kubeCacheDir } from './cluster.mjs';
import { waitFor } from './wait.mjs';

/** Where build-kube.sh put the channel's YAML files. */
export function gatewayApiDir() {
  return path.join(kubeCacheDir(), 'gateway-api');
}

/** @param {string} kubeconfig @returns {Promise<{ bundleVersion: string, crds: string[] }>} */
export async function installGatewayApi(kubeconfig) {
  const dir = gatewayApiDir();
  let files;
  try {
    files = readdirSync(dir).filter((f) => f.endsWith('.yaml')).sort();
  } catch {
    throw new Error(`the Gateway API CRDs are not in ${dir}: run bash test/kube/build-kube.sh`);
  }
  const kc = new k8s.KubeConfig();
  kc.loadFromFile(kubeconfig);
  const objects = kc.makeApiClient(k8s.KubernetesObjectApi);
  /** @type {k8s.KubernetesObject[]} */
  const documents = files.flatMap((f) => /** @type {k8s.KubernetesObject[]} */ (k8s.loadAllYaml(readFileSync(path.join(dir, f), 'utf8'))).filter(Boolean));
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
  // Discovery lags the condition a little: wait until the group is listed with its storage version.
  const apis = kc.makeApiClient(k8s.ApisApi);
  await waitFor('discovery to list gateway.networking.k8s.io/v1', async () =>
    (await apis.getAPIVersions()).groups.some((g) => g.name === 'gateway.networking.k8s.io' && g.versions.some((v) => v.version === 'v1')), { intervalMs: 100 });
  const bundleVersion = crds[0]?.metadata?.annotations?.['gateway.networking.k8s.io/bundle-version'] ?? 'unknown';
  return { bundleVersion, crds: crds.map((c) => /** @type {string} */ (c.metadata?.name)) };
}
