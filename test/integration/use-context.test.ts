import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { readContexts, useContext } from '../../src/adapters/kube/use-context';

describe('kube context switch (a real kubeconfig file)', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'hotfix-kubeconfig-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  const KUBECONFIG = `# team clusters
apiVersion: v1
kind: Config
clusters:
  - name: prod-eu # the big one
    cluster: { server: "https://prod.example:6443" }
  - name: staging
    cluster: { server: "https://staging.example:6443" }
contexts:
  - name: prod-eu
    context: { cluster: prod-eu, user: ada, namespace: payments }
  - name: staging
    context: { cluster: staging, user: ada }
current-context: staging
users:
  - name: ada
    user: { token: secret }
`;

  it('lists contexts and switches current-context, keeping comments and everything else', async () => {
    const file = path.join(dir, 'config');
    writeFileSync(file, KUBECONFIG);
    const before = await readContexts(file);
    assert.ok(before.ok);
    assert.equal(before.value.current, 'staging');
    assert.deepEqual(before.value.contexts.map((c) => [c.name, c.namespace ?? '']), [['prod-eu', 'payments'], ['staging', '']]);
    assert.deepEqual(await useContext(file, 'prod-eu'), { ok: true, value: 'prod-eu' });
    const after = readFileSync(file, 'utf8');
    assert.equal(after, KUBECONFIG.replace('current-context: staging', 'current-context: prod-eu'));
  });

  it('refuses a context that is not in the file, changing nothing', async () => {
    const file = path.join(dir, 'config');
    writeFileSync(file, KUBECONFIG);
    const result = await useContext(file, 'prod-us');
    assert.equal(result.ok, false);
    assert.match(result.ok ? '' : `${result.reason} ${result.hint}`, /prod-us.*Contexts there: prod-eu, staging/);
    assert.equal(readFileSync(file, 'utf8'), KUBECONFIG);
  });
});
