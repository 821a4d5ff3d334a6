// A Helm target's image in its GitOps file: a values file or a Flux HelmRelease's spec.values, set at
// helm.imageValue (and repositoryValue) with everything else kept byte for byte.

import assert from 'node:assert/strict';
import { resolveTarget } from '../../src/core/config/targets';
import type { HelmTargetConfig } from '../../src/core/config/types';
import { helmValuesSelector, type HelmValuesSelector } from '../../src/core/gitops/helm-values';
import { readManifestImage, setManifestImage, type ImageEdit, type ImageSite } from '../../src/core/gitops/manifests';
import type { Result } from '../../src/core/result';

const DIGEST = `sha256:${'c3'.repeat(32)}`;
const FILE = 'apps/web/values.yaml';

const VALUES = `# Values for the web front end.
replicaCount: 3

image:
  # The registry CI pushes to.
  repository: registry.example.com/web
  # Bumped by the release pipeline.
  tag: "1.4.1" # the current release
  pullPolicy: IfNotPresent

service:
  port: 8080
`;

function helm(config: HelmTargetConfig = {}): HelmValuesSelector {
  const target = resolveTarget({ targets: { production: { namespace: 'shop', app: 'web', helm: config } } }, 'production');
  if (!target.ok) assert.fail(target.reason);
  const values = helmValuesSelector(target.value);
  if (!values) assert.fail('a helm target has Helm values');
  return values;
}

function value<T>(result: Result<T>): T {
  if (!result.ok) assert.fail(`${result.reason} ${result.hint ?? ''}`);
  return result.value;
}

function set(text: string, image: string, config: HelmTargetConfig = { imageValue: 'image.tag' }, file = FILE): Result<ImageEdit> {
  return setManifestImage(text, file, { image, workload: 'web', helm: helm(config) }, image);
}

function read(text: string, image: string, config: HelmTargetConfig = { imageValue: 'image.tag' }, file = FILE): Result<ImageSite> {
  return readManifestImage(text, file, { image, workload: 'web', helm: helm(config) });
}

function refusal(result: Result<unknown>): string {
  return result.ok ? 'ok' : `${result.reason} | ${result.hint ?? ''}`;
}

describe('GitOps manifests: Helm values', () => {
  describe('a values file', () => {
    it('sets the nested tag and keeps the comments above and on its line, the quotes and the blank lines', () => {
      const edit = value(set(VALUES, 'registry.example.com/web:1.4.2'));
      assert.equal(edit.text, VALUES.replace('"1.4.1"', '"1.4.2"'));
      assert.deepEqual(edit.site, { kind: 'helm-values', where: 'image.tag', image: 'registry.example.com/web:1.4.1' });
      assert.equal(edit.changed, true);
    });

    it('keeps single quotes and plain values as they are', () => {
      const single = VALUES.replace('"1.4.1"', "'1.4.1'");
      assert.equal(value(set(single, 'registry.example.com/web:1.4.2')).text, VALUES.replace('"1.4.1"', "'1.4.2'"));
      const bare = VALUES.replace('"1.4.1"', 'v1.4.1');
      assert.equal(value(set(bare, 'registry.example.com/web:v1.4.2')).text, VALUES.replace('"1.4.1"', 'v1.4.2'));
    });

    it('quotes a plain tag YAML would read as a number or a bool, and reads 1.10 as written', () => {
      const bare = VALUES.replace('"1.4.1"', 'v1.4.1');
      for (const tag of ['1.10', '1e3', 'true', '2']) {
        const text = value(set(bare, `registry.example.com/web:${tag}`)).text;
        assert.equal(text, VALUES.replace('"1.4.1"', `"${tag}"`), tag);
      }
      assert.equal(value(read(VALUES.replace('"1.4.1"', '1.10'), 'registry.example.com/web:2')).image, 'registry.example.com/web:1.10');
    });

    it('writes a digest into the tag value, and the whole image with imageFormat reference', () => {
      assert.equal(value(set(VALUES, `registry.example.com/web@${DIGEST}`)).text, VALUES.replace('"1.4.1"', `"@${DIGEST}"`));
      // Without repositoryValue the file says only the tag: the repository is taken to be the image's.
      assert.equal(value(read(VALUES.replace('"1.4.1"', `"1.4.2@${DIGEST}"`), 'other.example.com/web:1')).image, `other.example.com/web:1.4.2@${DIGEST}`);
      const whole = 'web:\n  image: registry.example.com/web:1.4.1 # the release\n';
      const edit = value(set(whole, 'registry.example.com/web:1.4.2', { imageValue: 'web.image', imageFormat: 'reference' }));
      assert.equal(edit.text, whole.replace('web:1.4.1', 'web:1.4.2'));
    });

    it('sets repositoryValue too, where the image comes from another registry', () => {
      const config = { imageValue: 'image.tag', repositoryValue: 'image.repository' };
      const edit = value(set(VALUES, 'mirror.example.com/team/web:1.4.2', config));
      assert.equal(edit.text, VALUES.replace('repository: registry.example.com/web', 'repository: mirror.example.com/team/web').replace('"1.4.1"', '"1.4.2"'));
      assert.equal(value(read(edit.text, 'x:1', config)).image, 'mirror.example.com/team/web:1.4.2');
      // Already there: nothing changes.
      assert.equal(value(set(VALUES, 'registry.example.com/web:1.4.1', config)).changed, false);
    });

    it('adds missing keys as new lines at the end of the mapping that holds them, and nothing else', () => {
      const noTag = VALUES.replace('  # Bumped by the release pipeline.\n  tag: "1.4.1" # the current release\n', '');
      const edit = value(set(noTag, 'registry.example.com/web:1.4.2'));
      assert.equal(edit.text, noTag.replace('  pullPolicy: IfNotPresent\n', '  pullPolicy: IfNotPresent\n  tag: 1.4.2\n'));
      assert.equal(edit.site.image, 'nothing at image.tag');

      const deep = value(set(VALUES, 'registry.example.com/web:2', { imageValue: 'web.image.tag', repositoryValue: 'web.image.repository' }));
      assert.equal(deep.text, VALUES.replace('service:\n  port: 8080\n', 'service:\n  port: 8080\nweb:\n  image:\n    repository: registry.example.com/web\n    tag: "2"\n'));

      const empty = '# production overrides\n';
      assert.equal(value(set(empty, 'web:1.0.1')).text, '# production overrides\nimage:\n  tag: 1.0.1\n');
      assert.equal(value(set('image:\n  tag:\n', 'web:1.0.1')).text, 'image:\n  tag: 1.0.1\n');
      assert.equal(value(set('image:\n  tag: # set by CI\n', 'web:1.0.1')).text, 'image:\n  tag: 1.0.1 # set by CI\n');
    });

    it('edits inside a flow mapping in place, and adds a key to one or to an empty `image:` through the document', () => {
      const flow = 'image: {repository: registry.example.com/web, tag: "1.4.1"} # inline\n';
      assert.equal(value(set(flow, 'registry.example.com/web:1.4.2')).text, flow.replace('1.4.1', '1.4.2'));
      const noTag = value(set('# overrides\nimage: {repository: registry.example.com/web}\n', 'registry.example.com/web:1.4.2')).text;
      assert.equal(value(read(noTag, 'registry.example.com/web:1')).image, 'registry.example.com/web:1.4.2');
      assert.match(noTag, /^# overrides\n/);
      assert.equal(value(set('image:\nreplicas: 2\n', 'web:1.4.2')).text, 'image:\n  tag: 1.4.2\nreplicas: 2\n');
    });

    it('takes a dot inside a key written as \\.', () => {
      const text = 'podLabels:\n  app.kubernetes.io/version: "1.0"\n';
      assert.equal(value(set(text, 'web:1.1', { imageValue: 'podLabels.app\\.kubernetes\\.io/version', imageFormat: 'tag' })).text, text.replace('"1.0"', '"1.1"'));
    });

    it('refuses a path that runs into a value or a list, naming the file, the key and the setting', () => {
      const scalar = refusal(set('image: registry.example.com/web:1.4.1 # whole\n', 'registry.example.com/web:1.4.2'));
      assert.equal(
        scalar,
        'apps/web/values.yaml: image is the value registry.example.com/web:1.4.1, so image.tag cannot be set there. | ' +
          "Set targets.production.helm.imageValue in .hotfix/config.yaml to the key path that holds the image's tag (the whole image is at image: imageValue: image with imageFormat: reference).",
      );
      assert.match(refusal(set('image:\n  - tag: 1\n', 'web:2')), /^apps\/web\/values\.yaml: image is a list, so image\.tag cannot be set there\. \| Set targets\.production\.helm\.imageValue in \.hotfix\/config\.yaml/);
      assert.match(refusal(set('image:\n  tag:\n    name: 1\n', 'web:2')), /image\.tag is a mapping, so image\.tag cannot be set there/);
    });

    it('refuses a Helm target with no imageValue: the deploy needs it too', () => {
      assert.equal(refusal(set(VALUES, 'web:2', {})), 'targets.production.helm.imageValue is not set: which value in apps/web/values.yaml carries the image? | Set it in .hotfix/config.yaml, e.g. imageValue: image.tag.');
    });

    it('refuses a file that is no values file, naming what to set', () => {
      assert.match(refusal(set('- a\n- b\n', 'web:2')), /^apps\/web\/values\.yaml is not a Helm values file or a Flux HelmRelease \(it is a list, not a mapping\), so image\.tag cannot be set in it\. \| Set targets\.production\.gitops\.manifests\.path in \.hotfix\/config\.yaml to the values file or HelmRelease that sets image\.tag\.$/);
      assert.match(refusal(set('apiVersion: v1\nkind: ConfigMap\ndata: {}\n', 'web:2')), /is not a Helm values file or a Flux HelmRelease \(it is a Kubernetes manifest with no HelmRelease/);
      assert.match(refusal(set('a: 1\n---\nb: 2\n', 'web:2')), /it has 2 documents and none is a HelmRelease/);
    });
  });

  describe('a Flux HelmRelease', () => {
    const release = (values: string, extra = '') => `apiVersion: helm.toolkit.fluxcd.io/v2
kind: HelmRelease
metadata:
  name: web
  namespace: shop
spec:
  interval: 10m
  chart:
    spec:
      chart: web
      version: "2.x"
${extra}${values}`;
    const VALUES_BLOCK = `  values:
    replicaCount: 3
    image:
      repository: registry.example.com/web
      tag: '1.4.1' # pinned by the hotfix tool
`;
    const SERVICE = 'apiVersion: v1\nkind: Service\nmetadata:\n  name: web # the front end\nspec:\n  ports:\n    - port: 80\n';

    it('sets spec.values at the key path, in the 2nd document of a multi-document file, and nothing else', () => {
      const text = `${SERVICE}---\n${release(VALUES_BLOCK)}`;
      const edit = value(set(text, 'registry.example.com/web:1.4.2'));
      assert.equal(edit.text, text.replace("'1.4.1'", "'1.4.2'"));
      assert.equal(edit.site.kind, 'helm-release');
      assert.equal(edit.site.where, 'spec.values.image.tag of HelmRelease web');
      for (const api of ['v2beta1', 'v2beta2']) {
        const old = text.replace('fluxcd.io/v2', `fluxcd.io/${api}`);
        assert.equal(value(set(old, 'registry.example.com/web:1.4.2')).text, old.replace("'1.4.1'", "'1.4.2'"), api);
      }
    });

    it('adds spec.values where the release has none and takes no values from elsewhere', () => {
      const edit = value(set(release(''), 'registry.example.com/web:1.4.2', { imageValue: 'image.tag', repositoryValue: 'image.repository' }));
      assert.equal(edit.text, release('  values:\n    image:\n      repository: registry.example.com/web\n      tag: 1.4.2\n'));
    });

    it('refuses a key that only valuesFrom sets, naming the source', () => {
      const from = '  valuesFrom:\n    - kind: ConfigMap\n      name: web-values\n      valuesKey: production.yaml\n';
      const refused = refusal(set(release('  values:\n    replicaCount: 3\n', from), 'registry.example.com/web:1.4.2'));
      assert.match(refused, /^apps\/web\/values\.yaml: HelmRelease web takes its values from ConfigMap web-values \(production\.yaml\), and its spec\.values does not set image\.tag; the image is set there, so the change cannot be made in this file\. \| /);
      assert.match(refused, /set targets\.production\.gitops\.manifests\.path in \.hotfix\/config\.yaml to the values file it is generated from/);
      assert.match(refusal(set(release('', from), 'registry.example.com/web:1.4.2')), /takes its values from ConfigMap web-values/);
      // Where spec.values sets it, spec.values wins over valuesFrom: the edit is made.
      const both = release(VALUES_BLOCK, from);
      assert.equal(value(set(both, 'registry.example.com/web:1.4.2')).text, both.replace("'1.4.1'", "'1.4.2'"));
    });

    it('chooses the HelmRelease named after the release among several, and refuses a guess', () => {
      const other = release(VALUES_BLOCK).replace('name: web\n', 'name: worker\n');
      const text = `${other}---\n${release(VALUES_BLOCK)}`;
      assert.equal(value(set(text, 'registry.example.com/web:1.4.2')).text, `${other}---\n${release(VALUES_BLOCK).replace("'1.4.1'", "'1.4.2'")}`);
      assert.match(refusal(set(text, 'registry.example.com/web:1.4.2', { imageValue: 'image.tag', release: 'api' })), /has 2 HelmReleases \(worker, web\); none is named api\. \| Set targets\.production\.helm\.release/);
    });

    it('refuses a scalar in the middle of the path under spec.values', () => {
      const text = release('  values:\n    image: registry.example.com/web:1.4.1\n');
      assert.match(refusal(set(text, 'registry.example.com/web:1.4.2')), /^apps\/web\/values\.yaml: spec\.values\.image is the value registry\.example\.com\/web:1\.4\.1, so image\.tag cannot be set there\. \| .*imageValue: image with imageFormat: reference/);
    });
  });

  it('leaves a Helm target whose file is a Deployment or a kustomization to those rules', () => {
    const kustomization = 'resources:\n  - deployment.yaml\nimages:\n  - name: web\n    newTag: "1.4.1"\n';
    assert.equal(value(set(kustomization, 'web:1.4.2', { imageValue: 'image.tag' }, 'apps/web/kustomization.yaml')).text, kustomization.replace('1.4.1', '1.4.2'));
  });
});
