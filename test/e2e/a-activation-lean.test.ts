// Issue #8: activation does no cluster work and does not load the Kubernetes client. Named to sort
// first: the host activates the extension once, so this file checks the host before any other test
// has used a cluster feature. The launcher points KUBECONFIG at a counting relay in front of the
// test cluster (test/host/kube-counter.mjs), and the test runs in the extension host's own process,
// so require.cache is the cache the extension's bundles were loaded into.

import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { extension } from './manifest';

/** Connections the extension host has opened to the API server so far. */
function kubeConnections(): number {
  const log = process.env['HOTFIX_TEST_KUBE_CONNECTIONS'];
  assert.ok(log, 'the launcher counts connections to the test cluster (it starts one unless HOTFIX_HOST_CLUSTER=0)');
  return readFileSync(log, 'utf8').split('\n').filter((line) => line !== '').length;
}

/** The extension's own bundles (dist/*.js) in the module cache, by file name. */
function loadedBundles(): string[] {
  const dist = path.join(extension().extensionPath, 'dist');
  return Object.keys(require.cache).filter((file) => path.dirname(file) === dist).map((file) => path.basename(file)).sort();
}

describe('extension host: lean activation (issue #8)', () => {
  before(async () => {
    await extension().activate();
    await extension().exports.repositories(); // the first scan, which activation starts
    await new Promise((resolve) => setTimeout(resolve, 1000)); // and anything else it set going
  });

  it('makes no Kubernetes request and does not load dist/kube.js', () => {
    const bundles = loadedBundles();
    assert.ok(bundles.includes('extension.js'), 'the check reads the module cache the extension was loaded into');
    assert.deepEqual(bundles.filter((file) => file.startsWith('kube')), [], `no Kubernetes bundle loaded by activation (loaded: ${bundles.join(', ')})`);
    assert.equal(kubeConnections(), 0, 'no connection to the API server during activation');
  });

  it('sees a cluster feature reach the API server through the same counter, loading dist/kube.js then', async () => {
    const staging = (await extension().exports.deploymentTreeItems()).find((n) => n.label === 'staging');
    assert.ok(staging, 'the staging target is listed');
    await extension().exports.deploymentTreeItems(staging); // its live Deployment, read from the cluster
    assert.ok(kubeConnections() > 0, 'the live state came through the counting relay');
    assert.ok(loadedBundles().includes('kube.js'));
  });
});
