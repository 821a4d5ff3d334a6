// The Helm CLI the tests build (test/kube/build-helm.sh, helm.sh/helm/v4 at the pinned version) against the
// test cluster: a real chart installed and upgraded, its releases stored as Helm stores them. The ground the
// Helm-aware deploy and rollback stand on.

import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { promisify } from 'node:util';
import * as k8s from '@kubernetes/client-node';
import type * as Helm from '../kube/helm.mjs';
import { importScript, KUBE_START_TIMEOUT_MS, kubeCluster, type KubeCluster } from './fixtures/cluster';

const run = promisify(execFile);

describe('helm: the Helm CLI of the tests on the test cluster', function () {
  this.timeout(120_000);
  let cluster: KubeCluster;
  let helm: string;
  let writeChart: typeof Helm.writeChart;
  let version: string;
  let home: string;
  let apps: k8s.AppsV1Api;
  let core: k8s.CoreV1Api;

  before(async function () {
    this.timeout(KUBE_START_TIMEOUT_MS);
    const module = await importScript<typeof Helm>('test/kube/helm.mjs');
    helm = module.helmBinary();
    writeChart = module.writeChart;
    version = module.HELM_VERSION;
    cluster = await kubeCluster();
    home = mkdtempSync(path.join(os.tmpdir(), 'hotfix-helm-'));
    const kc = new k8s.KubeConfig();
    kc.loadFromFile(cluster.kubeconfig);
    apps = kc.makeApiClient(k8s.AppsV1Api);
    core = kc.makeApiClient(k8s.CoreV1Api);
  });
  after(() => rmSync(home, { recursive: true, force: true }));

  const helmRun = (args: string[]) => run(helm, [...args, '--kubeconfig', cluster.kubeconfig], {
    // HOME too: client-go's discovery cache goes to $HOME/.kube/cache (to ./.kube without HOME).
    env: { PATH: process.env['PATH'] ?? '', HOME: home, HELM_CACHE_HOME: path.join(home, 'cache'), HELM_CONFIG_HOME: path.join(home, 'config'), HELM_DATA_HOME: path.join(home, 'data') },
  });

  it('is the pinned helm v4 release', async () => {
    const { stdout } = await run(helm, ['version', '--template', '{{ .Version }}']);
    assert.equal(stdout.trim(), `v${version}`);
    assert.match(version, /^4\./);
  });

  it('installs a chart and upgrades it; each revision is a release Secret, as Helm stores them', async () => {
    const ns = await cluster.namespace('helm');
    const chart = path.join(home, 'chart');
    writeChart(chart);
    await helmRun(['install', 'web', chart, '--namespace', ns, '--wait', '--timeout', '60s']);
    const image = async () => (await apps.readNamespacedDeployment({ name: 'web', namespace: ns })).spec?.template.spec?.containers[0]?.image;
    assert.equal(await image(), 'web:1.0');
    await helmRun(['upgrade', 'web', chart, '--namespace', ns, '--set-string', 'image.tag=1.1', '--wait', '--timeout', '60s']);
    assert.equal(await image(), 'web:1.1');
    const releases = await core.listNamespacedSecret({ namespace: ns, labelSelector: 'owner=helm,name=web' });
    const byVersion: Record<string, string | undefined> = Object.fromEntries(releases.items.map((s) => [s.metadata?.labels?.['version'] ?? '', s.metadata?.labels?.['status']]));
    assert.deepEqual(byVersion, { 1: 'superseded', 2: 'deployed' });
    assert.deepEqual(releases.items.map((s) => s.type), ['helm.sh/release.v1', 'helm.sh/release.v1']);
    const { stdout } = await helmRun(['history', 'web', '--namespace', ns, '--output', 'json']);
    assert.deepEqual((JSON.parse(stdout) as { revision: number; status: string }[]).map((r) => `${r.revision} ${r.status}`), ['1 superseded', '2 deployed']);
  });
});
