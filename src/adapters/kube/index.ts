// The Kubernetes side of the adapters, behind one door: bundled on its own (dist/kube.js) and loaded
// only when a deploy, rollback or target view needs it, because @kubernetes/client-node is several
// megabytes of code that activation and the other CLI verbs should not compile.

export { ClientNodeCluster } from './client-node-cluster';
export { kubeconfigFiles, type KubeconfigSource } from './kubeconfig-files';
export { loadKubeconfig, type LoadedKubeconfig } from './kubeconfig';
export { ConfigMapIncidentStore, type ConfigMapIncidentStoreOptions } from './incident-configmap-store';
