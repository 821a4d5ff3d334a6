import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { loadKubeconfig } from '../../src/adapters/kube/kubeconfig';

const REPO = path.resolve(__dirname, '../../..');

const config = (contexts: string[], current?: string) => `apiVersion: v1
kind: Config
clusters:
${contexts.map((c) => `  - name: ${c}\n    cluster: { server: "https://${c}.example:6443" }`).join('\n')}
users:
${contexts.map((c) => `  - name: ${c}-user\n    user: { token: t-${c} }`).join('\n')}
contexts:
${contexts.map((c) => `  - name: ${c}\n    context: { cluster: ${c}, user: ${c}-user, namespace: ns-${c} }`).join('\n')}
${current ? `current-context: ${current}\n` : ''}`;

describe('kubeconfig resolution, as kubectl does it (real files)', () => {
  let dir: string;
  let a: string;
  let b: string;
  beforeEach(() => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'hotfix-kc-'));
    a = path.join(dir, 'a');
    b = path.join(dir, 'b');
    writeFileSync(a, config(['staging'], 'staging'));
    writeFileSync(b, config(['prod-eu', 'prod-us'], 'prod-us'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('merges every file of $KUBECONFIG; the first current-context wins; a target context picks from all', () => {
    const env = { KUBECONFIG: [a, b].join(path.delimiter) };
    const merged = loadKubeconfig({ env, home: dir });
    assert.ok(merged.ok, merged.ok ? '' : merged.reason);
    assert.equal(merged.value.context, 'staging');
    assert.equal(merged.value.server, 'https://staging.example:6443');
    const prod = loadKubeconfig({ env, home: dir }, 'prod-eu');
    assert.ok(prod.ok);
    assert.equal(prod.value.server, 'https://prod-eu.example:6443');
    assert.equal(prod.value.namespace, 'ns-prod-eu');
    assert.deepEqual(prod.value.files, [a, b]);
  });

  it('an explicit file (the setting, --kubeconfig) wins over $KUBECONFIG; ~/.kube/config is the last resort', () => {
    const explicit = loadKubeconfig({ file: b, env: { KUBECONFIG: a }, home: dir });
    assert.ok(explicit.ok);
    assert.equal(explicit.value.context, 'prod-us');
    const fallback = loadKubeconfig({ env: {}, home: dir });
    assert.equal(fallback.ok, false);
    assert.match(fallback.ok ? '' : `${fallback.reason} ${fallback.hint}`, new RegExp(`No kubeconfig found \\(looked at ${path.join(dir, '.kube', 'config').replace(/[.]/g, '\\.')}\\).*hotfixDeployer\\.kubeconfig`));
  });

  it('names an unknown context with the ones that exist', () => {
    const missing = loadKubeconfig({ env: { KUBECONFIG: [a, b].join(path.delimiter) }, home: dir }, 'prod-ap');
    assert.equal(missing.ok, false);
    assert.match(missing.ok ? '' : `${missing.reason} ${missing.hint}`, /The kube context "prod-ap" is not in .*Contexts there: staging, prod-eu, prod-us/);
  });

  it('the shipped dist/kube.js still makes a SOCKS agent for a socks:// proxy-url (its socks code is loaded then)', async function () {
    const bundle = path.join(REPO, 'dist', 'kube.js');
    if (!existsSync(bundle)) this.skip();
    const kube = (await import(bundle)) as { loadKubeconfig: typeof loadKubeconfig };
    writeFileSync(a, config(['staging'], 'staging').replace('server: "https://staging.example:6443"', 'server: "https://staging.example:6443", proxy-url: "socks5://127.0.0.1:1080"'));
    const loaded = kube.loadKubeconfig({ file: a, env: {}, home: dir });
    assert.ok(loaded.ok, loaded.ok ? '' : loaded.reason);
    // A SOCKS agent's proxy (the bundle is minified: no class names to go by).
    const { agent } = (await loaded.value.kc.applyToFetchOptions({})) as { agent?: { proxy?: unknown } };
    assert.deepEqual(agent?.proxy, { host: '127.0.0.1', port: 1080, type: 5 });
  });
});
