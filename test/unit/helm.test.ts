import assert from 'node:assert/strict';
import { helmError, parseHelmHistory } from '../../src/adapters/helm/helm-cli';
import { resolveTarget, type Target } from '../../src/core/config/targets';
import type { HotfixConfigFile } from '../../src/core/config/types';
import { helmMissing } from '../../src/core/deploy/helm-ports';
import { helmImageValues, helmReleaseOf, manifestImages } from '../../src/core/deploy/helm-values';

function target(helm?: Record<string, string>): Target {
  const config = { targets: { staging: { namespace: 'shop', app: 'web', ...(helm ? { helm } : {}) } } } as unknown as HotfixConfigFile;
  const resolved = resolveTarget(config, 'staging');
  assert.ok(resolved.ok);
  return resolved.value;
}

const settings = (helm: Record<string, string>) => {
  const t = target(helm).helm;
  assert.ok(t);
  return t;
};

const DIGEST = `sha256:${'a'.repeat(64)}`;

describe('helm: the values that carry an image into a chart', () => {
  it('tag format: only the tag, as a string (1.10 stays 1.10), and the repository where configured', () => {
    assert.deepEqual(helmImageValues('web:1.10', settings({ imageValue: 'image.tag' })), { ok: true, value: { 'image.tag': '1.10' } });
    assert.deepEqual(helmImageValues('registry:5000/team/web:1.2', settings({ imageValue: 'image.tag', repositoryValue: 'image.repository' })), {
      ok: true,
      value: { 'image.tag': '1.2', 'image.repository': 'registry:5000/team/web' },
    });
  });

  it('tag format with a digest: tag@digest, or @digest alone (the dry-run checks what the chart makes of it)', () => {
    assert.deepEqual(helmImageValues(`web:1.2@${DIGEST}`, settings({ imageValue: 'image.tag' })), { ok: true, value: { 'image.tag': `1.2@${DIGEST}` } });
    assert.deepEqual(helmImageValues(`web@${DIGEST}`, settings({ imageValue: 'image.tag' })), { ok: true, value: { 'image.tag': `@${DIGEST}` } });
  });

  it('reference format (the default unless the value ends in .tag): the whole image', () => {
    assert.deepEqual(helmImageValues('registry:5000/web:1.2', settings({ imageValue: 'image' })), { ok: true, value: { image: 'registry:5000/web:1.2' } });
    assert.deepEqual(helmImageValues('web:1.2', settings({ imageValue: 'app.image.tag', imageFormat: 'reference' })), { ok: true, value: { 'app.image.tag': 'web:1.2' } });
  });

  it('refuses without imageValue, and an image with neither tag nor digest in tag format', () => {
    const none = helmImageValues('web:1.2', settings({}));
    assert.equal(none.ok, false);
    assert.equal(!none.ok && none.failure, 'input');
    const bare = helmImageValues('web', settings({ imageValue: 'image.tag' }));
    assert.equal(bare.ok, false);
    assert.match(!bare.ok ? bare.reason : '', /web has neither a tag nor a digest for image\.tag/);
  });
});

describe('helm: which release a target is', () => {
  const annotations = { 'meta.helm.sh/release-name': 'web-prod', 'meta.helm.sh/release-namespace': 'releases' };

  it('the config first, then the annotations, then (helm: configured) the app name', () => {
    assert.deepEqual(helmReleaseOf(target({ release: 'shop-web', namespace: 'x' }), annotations), { release: 'shop-web', namespace: 'x', configured: true });
    assert.deepEqual(helmReleaseOf(target({ chart: 'charts/web' }), annotations), { release: 'web-prod', namespace: 'releases', configured: true });
    assert.deepEqual(helmReleaseOf(target({ chart: 'charts/web' })), { release: 'web', namespace: 'shop', configured: true });
  });

  it('detected from the workload: its annotations, the namespace defaulting to the target\'s; none: not a release', () => {
    assert.deepEqual(helmReleaseOf(target(), annotations), { release: 'web-prod', namespace: 'releases', configured: false });
    assert.deepEqual(helmReleaseOf(target(), { 'meta.helm.sh/release-name': 'web' }), { release: 'web', namespace: 'shop', configured: false });
    assert.equal(helmReleaseOf(target(), {}), undefined);
    assert.equal(helmReleaseOf(target()), undefined);
  });
});

describe('helm: reading what helm prints', () => {
  it('parses helm history -o json: oldest first, app_version, Go timestamps as ISO', () => {
    const json = JSON.stringify([
      { revision: 2, updated: '2025-12-06T01:02:03.123456789Z', status: 'deployed', chart: 'web-0.1.0', app_version: '1.0', description: 'Upgrade complete' },
      { revision: 1, updated: '2025-12-05T01:02:03Z', status: 'superseded', chart: 'web-0.1.0', app_version: '1.0', description: 'Install complete' },
    ]);
    assert.deepEqual(parseHelmHistory(json), [
      { revision: 1, updated: '2025-12-05T01:02:03.000Z', status: 'superseded', chart: 'web-0.1.0', appVersion: '1.0', description: 'Install complete' },
      { revision: 2, updated: '2025-12-06T01:02:03.123Z', status: 'deployed', chart: 'web-0.1.0', appVersion: '1.0', description: 'Upgrade complete' },
    ]);
    assert.deepEqual(parseHelmHistory(''), []);
    assert.deepEqual(parseHelmHistory('{"not":"a list"}'), []);
  });

  it("Helm's error in one line: the Error: line past the warnings, without its prefix", () => {
    assert.equal(helmError('WARNING: Kubernetes configuration file is group-readable.\nError: UPGRADE FAILED: another operation (install/upgrade/rollback) is in progress\n'), 'UPGRADE FAILED: another operation (install/upgrade/rollback) is in progress');
    assert.equal(helmError('  something odd  \nmore\n'), 'something odd');
    assert.equal(helmError(`Error: ${'x'.repeat(400)}`).length, 301);
  });

  it('the images a rendered manifest runs', () => {
    const manifest = ['---', 'spec:', '  containers:', '    - name: app', '      image: "web:1.2"', '    - image: sidecar:3', "      image: 'web:1.2'", 'notimage: x'].join('\n');
    assert.deepEqual(manifestImages(manifest), ['web:1.2', 'sidecar:3']);
  });

  it('the words when helm cannot be found', () => {
    assert.equal(helmMissing(), 'helm was not found on PATH: install Helm 3.14 or later, or set hotfixDeployer.helmPath / HOTFIX_HELM');
    assert.match(helmMissing('/opt/helm'), /^helm was not found at \/opt\/helm: /);
  });
});
