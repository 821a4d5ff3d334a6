import assert from 'node:assert/strict';
import * as k8s from '@kubernetes/client-node';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { importScript, KUBE_START_TIMEOUT_MS, kubeCluster, repoRoot, waitFor, type KubeCluster } from './fixtures/cluster';

const strategic = k8s.setHeaderOptions('Content-Type', k8s.PatchStrategy.StrategicMergePatch);
const merge = k8s.setHeaderOptions('Content-Type', k8s.PatchStrategy.MergePatch);

function deployment(name: string, labels: Record<string, string>, replicas: number, image: string): k8s.V1Deployment {
  return {
    metadata: { name, labels },
    spec: {
      replicas,
      progressDeadlineSeconds: 8,
      selector: { matchLabels: labels },
      strategy: { type: 'RollingUpdate', rollingUpdate: { maxSurge: 1, maxUnavailable: 0 } },
      template: {
        metadata: { labels },
        spec: { containers: [{ name: 'app', image, ports: [{ containerPort: 80 }] }] },
      },
    },
  };
}

const observed = (d: k8s.V1Deployment) => (d.status?.observedGeneration ?? 0) >= (d.metadata?.generation ?? 1);
const progressing = (d: k8s.V1Deployment) => d.status?.conditions?.find((c) => c.type === 'Progressing');

describe('test cluster: a real, current Kubernetes control plane', () => {
  let cluster: KubeCluster;
  let apps: k8s.AppsV1Api;
  let core: k8s.CoreV1Api;
  let coordination: k8s.CoordinationV1Api;

  before(async function () {
    this.timeout(KUBE_START_TIMEOUT_MS);
    cluster = await kubeCluster();
    const kc = new k8s.KubeConfig();
    kc.loadFromFile(cluster.kubeconfig);
    apps = kc.makeApiClient(k8s.AppsV1Api);
    core = kc.makeApiClient(k8s.CoreV1Api);
    coordination = kc.makeApiClient(k8s.CoordinationV1Api);
  });

  it('is the Kubernetes the README names as tested, serving autoscaling/v2 and policy/v1, not the APIs removed since 1.20', async () => {
    const kc = new k8s.KubeConfig();
    kc.loadFromFile(cluster.kubeconfig);
    const version = await kc.makeApiClient(k8s.VersionApi).getCode();
    const kube = await importScript<{ KUBE_VERSION: string }>('test/kube/cluster.mjs');
    assert.equal(version.gitVersion, `v${kube.KUBE_VERSION}`);
    assert.ok(Number(version.minor) >= 34, `Kubernetes 1.${version.minor} is older than the 1.34 users run`);
    const readme = readFileSync(path.join(repoRoot(), 'README.md'), 'utf8');
    assert.match(readme, new RegExp(`Kubernetes v${kube.KUBE_VERSION.replace(/\./g, '\\.')}`), 'the README names the tested Kubernetes version');
    const groups = (await kc.makeApiClient(k8s.ApisApi).getAPIVersions()).groups;
    const versions = (name: string) => groups.find((g) => g.name === name)?.versions.map((v) => v.version) ?? [];
    assert.deepEqual(versions('autoscaling'), ['v2', 'v1']);
    assert.deepEqual(versions('policy'), ['v1']);
    assert.deepEqual(versions('extensions'), [], 'extensions/v1beta1 (Deployments before apps/v1) was removed in 1.16-1.22');
    assert.ok(!versions('networking.k8s.io').includes('v1beta1'), 'networking.k8s.io/v1beta1 Ingress was removed in 1.22');
  });

  it('rolls a Deployment out through a ReplicaSet, and a broken image ends in ProgressDeadlineExceeded', async function () {
    this.timeout(90_000);
    const namespace = await cluster.namespace('rollout');
    const created = await apps.createNamespacedDeployment({ namespace, body: deployment('web', { app: 'web' }, 3, 'nginx:1.25') });

    const replicaSet = await waitFor('the ReplicaSet of web', async () => {
      const list = await apps.listNamespacedReplicaSet({ namespace, labelSelector: 'app=web' });
      return list.items.find((rs) => rs.metadata?.ownerReferences?.some((o) => o.uid === created.metadata?.uid));
    });
    assert.equal(replicaSet.spec?.template?.spec?.containers[0]?.image, 'nginx:1.25');

    const ready = await waitFor('web to have 3 available replicas', async () => {
      const d = await apps.readNamespacedDeployment({ name: 'web', namespace });
      return observed(d) && d.status?.availableReplicas === 3 && d.status.updatedReplicas === 3 ? d : undefined;
    }, 30_000);
    assert.equal(progressing(ready)?.reason, 'NewReplicaSetAvailable');

    await apps.patchNamespacedDeployment(
      { name: 'web', namespace, body: { spec: { template: { spec: { containers: [{ name: 'app', image: 'nginx:broken' }] } } } } },
      strategic,
    );
    const stalled = await waitFor('web to report ProgressDeadlineExceeded', async () => {
      const d = await apps.readNamespacedDeployment({ name: 'web', namespace });
      return observed(d) && progressing(d)?.reason === 'ProgressDeadlineExceeded' ? d : undefined;
    }, 45_000, 250);
    assert.equal(progressing(stalled)?.status, 'False');
    // maxUnavailable 0: the old pods keep serving while the surge pod cannot pull its image.
    assert.equal(stalled.status?.availableReplicas, 3);
    const pods = await core.listNamespacedPod({ namespace, labelSelector: 'app=web' });
    const waiting = pods.items.flatMap((p) => p.status?.containerStatuses ?? []).map((s) => s.state?.waiting?.reason);
    assert.ok(waiting.includes('ImagePullBackOff'), `a pod of nginx:broken waits in ImagePullBackOff: ${JSON.stringify(waiting)}`);
  });

  it('drives a Service\'s Endpoints from its selector, and follows a selector switch', async function () {
    this.timeout(60_000);
    const namespace = await cluster.namespace('endpoints');
    await apps.createNamespacedDeployment({ namespace, body: deployment('shop-blue', { app: 'shop', colour: 'blue' }, 2, 'nginx:1.25') });
    await apps.createNamespacedDeployment({ namespace, body: deployment('shop-green', { app: 'shop', colour: 'green' }, 1, 'nginx:1.26') });
    await core.createNamespacedService({
      namespace,
      body: { metadata: { name: 'shop' }, spec: { selector: { app: 'shop', colour: 'blue' }, ports: [{ port: 80, targetPort: 80 }] } },
    });

    const podIps = async (colour: string) => {
      const pods = await core.listNamespacedPod({ namespace, labelSelector: `app=shop,colour=${colour}` });
      return pods.items.map((p) => p.status?.podIP ?? '').sort();
    };
    const endpointIps = async () => {
      const endpoints = await core.readNamespacedEndpoints({ name: 'shop', namespace });
      return (endpoints.subsets ?? []).flatMap((s) => s.addresses ?? []).map((a) => a.ip).sort();
    };
    const endpointsMatch = (colour: string, count: number) => async () => {
      const [expected, actual] = await Promise.all([podIps(colour), endpointIps()]);
      return expected.length === count && expected.every(Boolean) && JSON.stringify(actual) === JSON.stringify(expected);
    };

    await waitFor('Endpoints of shop to list the 2 blue pods', endpointsMatch('blue', 2), 30_000);
    await core.patchNamespacedService({ name: 'shop', namespace, body: { spec: { selector: { app: 'shop', colour: 'green' } } } }, merge);
    await waitFor('Endpoints of shop to list the green pod only', endpointsMatch('green', 1), 30_000);
  });

  it('creates a coordination.k8s.io/v1 Lease once; a second create is a 409 conflict', async () => {
    const namespace = await cluster.namespace('lease');
    const lease: k8s.V1Lease = {
      metadata: { name: 'deploy-lock' },
      spec: { holderIdentity: 'alice', leaseDurationSeconds: 30, acquireTime: new k8s.V1MicroTime(), renewTime: new k8s.V1MicroTime() },
    };
    const created = await coordination.createNamespacedLease({ namespace, body: lease });
    assert.equal(created.spec?.holderIdentity, 'alice');
    await assert.rejects(
      coordination.createNamespacedLease({ namespace, body: { ...lease, spec: { ...lease.spec, holderIdentity: 'bob' } } }),
      (error: unknown) => (error as { code?: number }).code === 409,
    );
    const read = await coordination.readNamespacedLease({ name: 'deploy-lock', namespace });
    assert.equal(read.spec?.holderIdentity, 'alice');
  });

  it('keeps each test in its own namespace', async () => {
    const [a, b] = await Promise.all([cluster.namespace('isolated'), cluster.namespace('isolated')]);
    assert.notEqual(a, b);
    await core.createNamespacedConfigMap({ namespace: a, body: { metadata: { name: 'only-in-a' }, data: { k: 'v' } } });
    const inB = await core.listNamespacedConfigMap({ namespace: b, labelSelector: '' });
    assert.ok(!inB.items.some((c) => c.metadata?.name === 'only-in-a'));
  });
});
