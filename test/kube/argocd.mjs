// @ts-check
// Argo CD as the tool sees it, without Argo CD: the Application CRD and one Application object with
// auto-sync and selfHeal, in namespace argocd. No controller runs: nothing syncs for real. Used by the
// extension-host launcher's cluster (test/host/cluster-app.mjs) and the `npm run try` sandbox.
import * as k8s from '@kubernetes/client-node';

/**
 * Installs the CRD and the namespace argocd, then creates Application `argocd/<name>` deploying
 * `source.path` of `repoURL` into `destinationNamespace`, retrying while the new CRD is not served yet.
 * @param {k8s.KubeConfig} kc
 * @param {{ name: string, destinationNamespace: string, repoURL: string, path: string }} app
 */
export async function createArgoApplication(kc, app) {
  const ext = kc.makeApiClient(k8s.ApiextensionsV1Api);
  const core = kc.makeApiClient(k8s.CoreV1Api);
  const custom = kc.makeApiClient(k8s.CustomObjectsApi);
  // client-node writes typed bodies by its own names: x_kubernetes_preserve_unknown_fields goes out dashed.
  const open = { type: 'object', x_kubernetes_preserve_unknown_fields: true };
  await ext.createCustomResourceDefinition({ body: {
    metadata: { name: 'applications.argoproj.io' },
    spec: { group: 'argoproj.io', scope: 'Namespaced', names: { plural: 'applications', singular: 'application', kind: 'Application', listKind: 'ApplicationList' },
      versions: [{ name: 'v1alpha1', served: true, storage: true, schema: { openAPIV3Schema: { type: 'object', properties: { spec: open, status: open } } } }] } } });
  await core.createNamespace({ body: { metadata: { name: 'argocd' } } });
  const body = { apiVersion: 'argoproj.io/v1alpha1', kind: 'Application', metadata: { name: app.name, namespace: 'argocd' },
    spec: { project: 'default', destination: { namespace: app.destinationNamespace, server: 'https://kubernetes.default.svc' },
      source: { repoURL: app.repoURL, path: app.path, targetRevision: 'main' }, syncPolicy: { automated: { prune: true, selfHeal: true } } } };
  for (let i = 0; ; i++) {
    try {
      await custom.createNamespacedCustomObject({ group: 'argoproj.io', version: 'v1alpha1', namespace: 'argocd', plural: 'applications', body });
      return;
    } catch (error) {
      if (i > 100) throw error; // a new CRD is served a moment after it is created
      await new Promise((r) => setTimeout(r, 100));
    }
  }
}
