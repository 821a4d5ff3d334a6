// @ts-check
// The sandbox's apps in the local cluster, namespace `demo` (the cluster starts empty every run):
//   api                               Deployment, 3 replicas (target rolling), managed by Argo CD's Application
//                                     argocd/api (auto-sync with selfHeal; the CRD and the object only, no controller)
//   checkout-blue / checkout-green    behind Service checkout, selecting colour blue (target blue-green)
//   web                               stable track (track: stable), 4 replicas, behind Service web (target canary)
import * as k8s from '@kubernetes/client-node';
import { createArgoApplication } from '../../test/kube/argocd.mjs';
import { defaultServiceAccount } from '../../test/kube/wait.mjs';

export const DEMO_DEPLOYMENTS = ['api', 'checkout-blue', 'checkout-green', 'web'];

const sleep = (/** @type {number} */ ms) => new Promise((resolve) => setTimeout(resolve, ms));

/** @param {string} kubeconfig */
export function clients(kubeconfig) {
  const kc = new k8s.KubeConfig();
  kc.loadFromFile(kubeconfig);
  return { kc, apps: kc.makeApiClient(k8s.AppsV1Api), core: kc.makeApiClient(k8s.CoreV1Api) };
}

/**
 * @param {k8s.AppsV1Api} apps @param {string} namespace @param {string} name @param {string} image
 * @param {Record<string, string>} labels @param {number} replicas @param {Record<string, string>} [metaLabels]
 */
async function deployment(apps, namespace, name, image, labels, replicas, metaLabels = {}) {
  await apps.createNamespacedDeployment({
    namespace,
    body: {
      metadata: { name, labels: { app: labels.app ?? name, ...metaLabels } },
      spec: {
        replicas,
        progressDeadlineSeconds: 20,
        revisionHistoryLimit: 10,
        selector: { matchLabels: labels },
        strategy: { type: 'RollingUpdate', rollingUpdate: { maxSurge: 1, maxUnavailable: 0 } },
        template: { metadata: { labels }, spec: { containers: [{ name: 'app', image, ports: [{ containerPort: 8080 }] }] } },
      },
    },
  });
}

/** @param {k8s.CoreV1Api} core @param {string} namespace @param {string} name @param {Record<string, string>} selector */
async function service(core, namespace, name, selector) {
  await core.createNamespacedService({ namespace, body: { metadata: { name }, spec: { selector, ports: [{ port: 80, targetPort: 8080 }] } } });
}

/**
 * Which demo Deployments are not fully available yet (empty: all are).
 * @param {k8s.AppsV1Api} apps @param {string} namespace
 */
export async function unavailable(apps, namespace) {
  const waiting = [];
  for (const name of DEMO_DEPLOYMENTS) {
    const d = await apps.readNamespacedDeployment({ name, namespace }).catch(() => undefined);
    const ok = d && (d.status?.availableReplicas ?? 0) === (d.spec?.replicas ?? 0) && (d.status?.observedGeneration ?? 0) >= (d.metadata?.generation ?? 1);
    if (!ok) waiting.push(name);
  }
  return waiting;
}

/** Creates the namespace and the apps and waits until every Deployment is available. @param {string} kubeconfig @param {string} namespace */
export async function deployDemoApps(kubeconfig, namespace) {
  const { kc, apps, core } = clients(kubeconfig);
  await core.createNamespace({ body: { metadata: { name: namespace } } });
  await defaultServiceAccount(core, namespace);
  // Argo CD's Application argocd/api (auto-sync with selfHeal): what makes a deploy of api here ask first.
  await createArgoApplication(kc, { name: 'api', destinationNamespace: namespace, repoURL: 'infra.git', path: 'apps/api' });
  await deployment(apps, namespace, 'api', 'api:1.4.0', { app: 'api' }, 3, { 'argocd.argoproj.io/instance': 'api' });
  await deployment(apps, namespace, 'checkout-blue', 'checkout:1.4.0', { app: 'checkout', colour: 'blue' }, 3);
  await deployment(apps, namespace, 'checkout-green', 'checkout:1.3.0', { app: 'checkout', colour: 'green' }, 1);
  await service(core, namespace, 'checkout', { app: 'checkout', colour: 'blue' });
  await deployment(apps, namespace, 'web', 'web:1.0', { app: 'web', track: 'stable' }, 4);
  await service(core, namespace, 'web', { app: 'web' });
  let waiting = DEMO_DEPLOYMENTS;
  for (let i = 0; i < 300 && waiting.length > 0; i++) {
    waiting = await unavailable(apps, namespace);
    if (waiting.length > 0) await sleep(100);
  }
  if (waiting.length > 0) throw new Error(`demo Deployments not available after 30 s: ${waiting.join(', ')}`);
}
