// @ts-check
// The sandbox's apps in the local cluster, namespace `demo` (the cluster starts empty every run):
//   api                               Deployment, 3 replicas (target rolling), managed by Argo CD's Application
//                                     argocd/api (auto-sync with selfHeal; the CRD and the object only, no controller)
//   checkout-blue / checkout-green    behind Service checkout, selecting colour blue (target blue-green)
//   web                               stable track (track: stable), 4 replicas, behind Service web (target canary)
import * as k8s from '@kubernetes/client-node';

export const DEMO_DEPLOYMENTS = ['api', 'checkout-blue', 'checkout-green', 'web'];

const sleep = (/** @type {number} */ ms) => new Promise((resolve) => setTimeout(resolve, ms));

/** @param {string} kubeconfig */
export function clients(kubeconfig) {
  const kc = new k8s.KubeConfig();
  kc.loadFromFile(kubeconfig);
  return { apps: kc.makeApiClient(k8s.AppsV1Api), core: kc.makeApiClient(k8s.CoreV1Api), ext: kc.makeApiClient(k8s.ApiextensionsV1Api), custom: kc.makeApiClient(k8s.CustomObjectsApi) };
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
  const { apps, core, ext, custom } = clients(kubeconfig);
  await core.createNamespace({ body: { metadata: { name: namespace } } });
  // Pods are rejected until the namespace's default ServiceAccount has its token.
  for (let i = 0; i < 200; i++) {
    const account = await core.readNamespacedServiceAccount({ name: 'default', namespace }).catch(() => undefined);
    if ((account?.secrets?.length ?? 0) > 0) break;
    await sleep(100);
  }
  await argoApplication(ext, core, custom, namespace);
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

/**
 * Argo CD's Application CRD and the object `argocd/api` (auto-sync with selfHeal), as Argo CD would have
 * them: what makes a deploy of api here stop and ask first. No Argo CD runs: nothing syncs for real.
 * @param {k8s.ApiextensionsV1Api} ext @param {k8s.CoreV1Api} core @param {k8s.CustomObjectsApi} custom @param {string} namespace
 */
async function argoApplication(ext, core, custom, namespace) {
  // client-node writes typed bodies by its own names: x_kubernetes_preserve_unknown_fields goes out dashed.
  const open = { type: 'object', x_kubernetes_preserve_unknown_fields: true };
  await ext.createCustomResourceDefinition({ body: {
    metadata: { name: 'applications.argoproj.io' },
    spec: { group: 'argoproj.io', scope: 'Namespaced', names: { plural: 'applications', singular: 'application', kind: 'Application', listKind: 'ApplicationList' },
      versions: [{ name: 'v1alpha1', served: true, storage: true, schema: { openAPIV3Schema: { type: 'object', properties: { spec: open, status: open } } } }] } } });
  await core.createNamespace({ body: { metadata: { name: 'argocd' } } });
  const body = { apiVersion: 'argoproj.io/v1alpha1', kind: 'Application', metadata: { name: 'api', namespace: 'argocd' },
    spec: { project: 'default', source: { repoURL: 'infra.git', path: 'apps/api', targetRevision: 'main' }, destination: { namespace, server: 'https://kubernetes.default.svc' },
      syncPolicy: { automated: { prune: true, selfHeal: true } } } };
  for (let i = 0; ; i++) {
    try {
      await custom.createNamespacedCustomObject({ group: 'argoproj.io', version: 'v1alpha1', namespace: 'argocd', plural: 'applications', body });
      return;
    } catch (error) {
      if (i > 100) throw error; // a new CRD is served a moment after it is created
      await sleep(100);
    }
  }
}
