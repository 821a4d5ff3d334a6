// @ts-check
// The real Gateway API CRDs on the test cluster: the standard channel of the sigs.k8s.io/gateway-api release
// that test/kube/gateway-api/go.mod pins, copied out of the module cache by build-kube.sh (with go.sum's hash
// checked). Installs every file of the channel, its ValidatingAdmissionPolicy included, and waits until the
// kinds are served. No Gateway controller runs: the routes are stored and validated, not programmed.
//
//   import { installGatewayApi } from './gateway-api.mjs';
//   const { bundleVersion } = await installGatewayApi(kubeconfig);
import { readdirSync } from 'node:fs';
import * as path from 'node:path';
import { kubeCacheDir } from './cluster.mjs';
import { installCrds } from './wait.mjs';

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
  const crds = await installCrds(kubeconfig, files.map((f) => path.join(dir, f)), { group: 'gateway.networking.k8s.io', version: 'v1' });
  const bundleVersion = crds[0]?.metadata?.annotations?.['gateway.networking.k8s.io/bundle-version'] ?? 'unknown';
  return { bundleVersion, crds: crds.map((c) => /** @type {string} */ (c.metadata?.name)) };
}
