import assert from 'node:assert/strict';
import { formatImageReference, parseImageReference } from '../../src/core/image-ref';
import { readManifestImage, setManifestImage, type ImageSelector } from '../../src/core/gitops/manifests';
import { freeBranchName, manifestsBranchName, parseAppliedRevision, pullRequestUrl } from '../../src/core/gitops/manifests-change';
import type { Result } from '../../src/core/result';

const DIGEST = `sha256:${'a1'.repeat(32)}`;

const DEPLOYMENT = `# The checkout web front end.
apiVersion: apps/v1
kind: Deployment
metadata:
  name: web # keep in step with the Service
spec:
  replicas: 3
  template:
    spec:
      containers:
      - name: web
        image: registry.example.com/web:2.0 # bumped by CI
        ports:
        - containerPort: 8080
      - name: proxy
        image: "envoyproxy/envoy:v1.29"
`;

function value<T>(result: Result<T>): T {
  if (!result.ok) assert.fail(`${result.reason} ${result.hint ?? ''}`);
  return result.value;
}

function edit(text: string, selector: Partial<ImageSelector>, image: string): string {
  return value(setManifestImage(text, 'apps/web/deployment.yaml', { image, ...selector }, image)).text;
}

describe('GitOps manifests', () => {
  describe('image references', () => {
    it('splits repository, tag and digest, a registry port never being a tag', () => {
      assert.deepEqual(parseImageReference('localhost:5000/web:1.2'), { repository: 'localhost:5000/web', tag: '1.2' });
      assert.deepEqual(parseImageReference('localhost:5000/team/web'), { repository: 'localhost:5000/team/web' });
      assert.deepEqual(parseImageReference(`web:1.2@${DIGEST}`), { repository: 'web', tag: '1.2', digest: DIGEST });
      assert.deepEqual(parseImageReference(`registry:443/web@${DIGEST}`), { repository: 'registry:443/web', digest: DIGEST });
      for (const bad of ['', 'web:', 'web:1 2', ':1.0', 'web@sha256:short', 'web/:1']) assert.equal(parseImageReference(bad), undefined, bad);
      for (const ref of ['localhost:5000/web:1.2', `a/b:c@${DIGEST}`, 'web']) assert.equal(formatImageReference(parseImageReference(ref) ?? { repository: '' }), ref);
    });
  });

  describe('Deployment manifests', () => {
    it('sets the named container image and changes nothing else: comments, quotes, layout', () => {
      const out = edit(DEPLOYMENT, { container: 'web' }, 'registry.example.com/web:1.3.0');
      assert.equal(out, DEPLOYMENT.replace('registry.example.com/web:2.0 #', 'registry.example.com/web:1.3.0 #'));
      const proxy = edit(DEPLOYMENT, { container: 'proxy' }, 'envoyproxy/envoy:v1.30');
      assert.equal(proxy, DEPLOYMENT.replace('"envoyproxy/envoy:v1.29"', '"envoyproxy/envoy:v1.30"'));
    });

    it('reads the image of the only container, or the one named like the workload', () => {
      const single = 'kind: Deployment\nmetadata: {name: api}\nspec:\n  template:\n    spec:\n      containers:\n        - name: main\n          image: api:1\n';
      assert.equal(value(readManifestImage(single, 'f.yaml', { image: 'api:2' })).image, 'api:1');
      assert.equal(value(readManifestImage(DEPLOYMENT, 'f.yaml', { workload: 'web', image: 'x:1' })).image, 'registry.example.com/web:2.0');
    });

    it('finds the Deployment in any document of a multi-document file', () => {
      const multi = `apiVersion: v1\nkind: Service\nmetadata:\n  name: web\n---\n${DEPLOYMENT}---\nkind: ConfigMap\nmetadata:\n  name: other\n`;
      const out = edit(multi, { container: 'web', workload: 'web' }, 'registry.example.com/web:1.3.0');
      assert.equal(out, multi.replace('web:2.0', 'web:1.3.0'));
    });

    it('chooses the workload by name among several Deployments', () => {
      const other = DEPLOYMENT.replace('name: web #', 'name: worker #').replace('web:2.0', 'worker:7');
      const multi = `${other}---\n${DEPLOYMENT}`;
      const out = edit(multi, { container: 'web', workload: 'web' }, 'registry.example.com/web:1.3.0');
      assert.equal(out, `${other}---\n${DEPLOYMENT.replace('web:2.0', 'web:1.3.0')}`);
    });

    it('sets a digest and a registry with a port', () => {
      const image = `localhost:5000/web:1.2@${DIGEST}`;
      assert.equal(edit(DEPLOYMENT, { container: 'web' }, image), DEPLOYMENT.replace('registry.example.com/web:2.0', image));
    });

    it('says which containers it has when the named one is missing', () => {
      const result = setManifestImage(DEPLOYMENT, 'apps/web/deployment.yaml', { container: 'api', image: 'web:1' }, 'web:1');
      assert.equal(result.ok, false);
      assert.match(result.ok ? '' : result.reason, /^apps\/web\/deployment\.yaml sets no image for container api; it has web \(Deployment web\), proxy \(Deployment web\)\.$/);
    });

    it('refuses a guess among several containers, a file with no image, bad YAML and a bad image', () => {
      const reasons = [
        setManifestImage(DEPLOYMENT, 'd.yaml', { image: 'other:1' }, 'other:1'),
        readManifestImage('kind: ConfigMap\ndata: {}\n', 'c.yaml', { image: 'web:1' }),
        readManifestImage('a: [1\n', 'bad.yaml', { image: 'web:1' }),
        setManifestImage(DEPLOYMENT, 'd.yaml', { container: 'web', image: 'web:1' }, 'web: 1'),
      ].map((r) => (r.ok ? 'ok' : r.reason));
      assert.match(reasons[0] ?? '', /several containers .*which one runs other:1/);
      assert.match(reasons[1] ?? '', /c\.yaml sets no image: it has no Deployment containers and no kustomization images:/);
      assert.match(reasons[2] ?? '', /bad\.yaml is not valid YAML/);
      assert.match(reasons[3] ?? '', /web: 1 is not an image reference/);
    });

    it('leaves the text alone when it already sets the image', () => {
      const result = value(setManifestImage(DEPLOYMENT, 'd.yaml', { container: 'web', image: '' }, 'registry.example.com/web:2.0'));
      assert.equal(result.changed, false);
      assert.equal(result.text, DEPLOYMENT);
    });
  });

  describe('kustomizations', () => {
    const KUSTOMIZATION = `apiVersion: kustomize.config.k8s.io/v1beta1
kind: Kustomization
resources:
  - deployment.yaml
images:
  # the web front end
  - name: web
    newName: registry.example.com/web
    newTag: "2.0" # the bad one
  - name: worker
    newTag: 1.10
`;

    it('sets newTag, keeping its quotes and comment', () => {
      const out = edit(KUSTOMIZATION, {}, 'registry.example.com/web:1.3.0');
      assert.equal(out, KUSTOMIZATION.replace('"2.0"', '"1.3.0"'));
      assert.equal(value(readManifestImage(KUSTOMIZATION, 'k.yaml', { image: 'worker:1' })).image, 'worker:1.10');
    });

    it('sets newName where the repository changes and quotes a tag YAML would read as a number', () => {
      assert.equal(edit(KUSTOMIZATION, {}, 'registry.example.com/web:3'), KUSTOMIZATION.replace('"2.0"', '"3"'));
      assert.equal(edit(KUSTOMIZATION, {}, 'worker:1.11'), KUSTOMIZATION.replace('newTag: 1.10', 'newTag: "1.11"'));
      const moved = edit(KUSTOMIZATION, {}, 'localhost:5000/worker:2.0');
      assert.equal(moved, KUSTOMIZATION.replace('  - name: worker\n    newTag: 1.10', '  - name: worker\n    newName: localhost:5000/worker\n    newTag: "2.0"'));
    });

    it('sets a digest and drops the tag a digest-only image does not have', () => {
      const out = edit(KUSTOMIZATION, {}, `registry.example.com/web@${DIGEST}`);
      assert.equal(out, KUSTOMIZATION.replace('    newTag: "2.0" # the bad one\n', `    digest: ${DIGEST}\n`));
      assert.equal(value(readManifestImage(out, 'k.yaml', { image: 'web:1' })).image, `registry.example.com/web@${DIGEST}`);
    });

    it('adds newName and newTag in that order to an entry with a name only', () => {
      assert.equal(edit('images:\n- name: web\n', {}, 'registry/web:1.3.0'), 'images:\n- name: web\n  newName: registry/web\n  newTag: 1.3.0\n');
      assert.equal(edit('images:\n- name: web', {}, 'web:2'), 'images:\n- name: web\n  newTag: "2"');
    });

    it('edits a flow-style entry through the document', () => {
      const flow = 'images: [{name: web, newTag: "2.0"}]\n';
      const out = edit(flow, {}, 'web:1.3.0');
      assert.equal(value(readManifestImage(out, 'k.yaml', { image: 'web:1' })).image, 'web:1.3.0');
    });

    it('says which images it has when none matches', () => {
      const result = readManifestImage(KUSTOMIZATION, 'apps/kustomization.yaml', { image: 'api:1' });
      assert.equal(result.ok ? '' : result.reason, 'apps/kustomization.yaml sets no image for api; its images: are web, worker.');
    });
  });

  describe('the change around it', () => {
    it('reads the sha of Argo CD and Flux revisions', () => {
      const sha = 'b'.repeat(40);
      assert.equal(parseAppliedRevision(sha), sha);
      assert.equal(parseAppliedRevision(`main@sha1:${sha}`), sha);
      assert.equal(parseAppliedRevision(`refs/heads/main@sha1:${sha}`), sha);
      assert.equal(parseAppliedRevision(`main/${sha}`), sha);
      assert.equal(parseAppliedRevision('main'), undefined);
    });

    it('names the branch and never reuses a taken one', () => {
      assert.equal(manifestsBranchName('rollback', 'production', 'registry.example.com/web:1.3.0'), 'hotfix/production-rollback-1-3-0');
      assert.equal(manifestsBranchName('deploy', 'PROD-2847', 'web:1.4.2'), 'hotfix/PROD-2847-deploy-1-4-2');
      assert.equal(freeBranchName('hotfix/x', new Set(['hotfix/x', 'hotfix/x-2'])), 'hotfix/x-3');
    });

    it('derives the pull or merge request address from https and ssh remotes', () => {
      const gh = 'https://github.com/acme/infra/compare/main...hotfix/production-rollback-1-3-0?expand=1';
      for (const url of ['https://github.com/acme/infra.git', 'git@github.com:acme/infra.git', 'ssh://git@github.com/acme/infra', 'https://token@github.com/acme/infra/']) {
        assert.equal(pullRequestUrl(url, 'main', 'hotfix/production-rollback-1-3-0'), gh, url);
      }
      assert.equal(
        pullRequestUrl('git@gitlab.example.com:ops/deploy/infra.git', 'main', 'hotfix/x'),
        'https://gitlab.example.com/ops/deploy/infra/-/merge_requests/new?merge_request%5Bsource_branch%5D=hotfix%2Fx&merge_request%5Btarget_branch%5D=main',
      );
      assert.equal(pullRequestUrl('/srv/git/infra.git', 'main', 'x'), undefined);
      assert.equal(pullRequestUrl('https://bitbucket.org/acme/infra.git', 'main', 'x'), undefined);
    });
  });
});
