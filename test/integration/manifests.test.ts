// The durable fix in a real GitOps manifests repository (a clone with a bare remote): the revert of the
// commit that deployed the bad image, or an edit when a revert would not say what runs; the person's
// checkout untouched; pushed on request.

import assert from 'node:assert/strict';
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { resolveTarget, type Target } from '../../src/core/config/targets';
import type { ManifestsConfig } from '../../src/core/config/types';
import { prepareManifestsChange, type PreparedManifests } from '../../src/adapters/gitops/manifests-repo';
import type { Result } from '../../src/core/result';
import { createGitFixture, type GitFixture } from './fixtures/git';

const FILE = 'apps/web/deployment.yaml';

function deployment(image: string, replicas = 3): string {
  return `# The checkout web front end.
apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
spec:
  replicas: ${replicas}
  selector:
    matchLabels:
      app: web
  template:
    metadata:
      labels:
        app: web
    spec:
      containers:
      - name: web
        image: ${image} # set by CI
        ports:
        - containerPort: 8080
`;
}

function target(manifests: Partial<ManifestsConfig> = {}): Target {
  const resolved = resolveTarget({ targets: { production: { namespace: 'shop', app: 'web', container: 'web', gitops: { manifests: { repo: 'work', path: FILE, ...manifests } } } } }, 'production');
  if (!resolved.ok) throw new Error(resolved.reason);
  return resolved.value;
}

function value(result: Result<PreparedManifests>): PreparedManifests {
  if (!result.ok) assert.fail(`${result.reason} ${result.hint ?? ''}`);
  return result.value;
}

/** A diff's hunks: headers (without the function context), context lines and changed lines, in order. */
function hunks(diff: string): string[] {
  const lines = diff.split('\n');
  const first = lines.findIndex((l) => l.startsWith('@@ '));
  return first < 0 ? [] : lines.slice(first).filter((l) => !/^(diff |index |--- |\+\+\+ )/.test(l)).map((l) => l.replace(/^(@@ -\S+ \+\S+ @@).*$/, '$1'));
}

/** The diff that undoes those hunks, as git prints it: old and new swapped, removed lines first in each change. */
function inverse(lines: readonly string[]): string[] {
  const out: string[] = [];
  let run: string[] = [];
  const flush = () => {
    out.push(...run.filter((l) => l.startsWith('-')), ...run.filter((l) => l.startsWith('+')));
    run = [];
  };
  for (const l of lines) {
    const header = /^@@ -(\S+) \+(\S+) @@$/.exec(l);
    if (l.startsWith('+') || l.startsWith('-')) {
      run.push(`${l.startsWith('+') ? '-' : '+'}${l.slice(1)}`);
      continue;
    }
    flush();
    out.push(header ? `@@ -${header[2]} +${header[1]} @@` : l);
  }
  flush();
  return out;
}

describe('GitOps manifests repository: the durable fix', function () {
  this.timeout(60_000);
  let repo: GitFixture;
  let deployed: string;
  const remoteGit = (...args: string[]) => repo.git('--git-dir', repo.remote, ...args);

  beforeEach(() => {
    repo = createGitFixture({ initialBranch: 'main' });
    mkdirSync(path.join(repo.work, 'apps', 'web'), { recursive: true });
    repo.commit(FILE, deployment('registry.example.com/web:1.3.0'), 'web 1.3.0 to production');
    deployed = repo.commit(FILE, deployment('registry.example.com/web:2.0'), 'web 2.0 to production');
    repo.commit('apps/api.yaml', 'kind: ConfigMap\n', 'an unrelated change');
    repo.git('push', '--quiet', 'origin', 'main');
  });

  afterEach(() => repo.dispose());

  it('reverts the commit that deployed the bad image: exactly the inverse diff, on a new branch from origin/main', async () => {
    const result = value(await prepareManifestsChange(repo.dir, target(), { kind: 'rollback', to: 'registry.example.com/web:1.3.0' }));
    assert.equal(result.kind, 'revert');
    assert.deepEqual(result.reverted, { sha: deployed, subject: 'web 2.0 to production' });
    assert.equal(result.branch, 'hotfix/production-rollback-1-3-0');
    assert.equal(result.base, 'origin/main');
    assert.equal(result.repo, repo.work);
    assert.equal(repo.git('rev-parse', `${result.branch ?? ''}`), result.commit);
    assert.equal(repo.git('rev-parse', `${result.commit ?? ''}^`), repo.git('rev-parse', 'origin/main'));

    const original = hunks(repo.git('diff', `${deployed}^`, deployed));
    const revert = hunks(repo.git('diff', `${result.commit ?? ''}^`, result.commit ?? ''));
    const context = ['     spec:', '       containers:', '       - name: web'];
    const after = ['         ports:', '         - containerPort: 8080'];
    assert.deepEqual(original, ['@@ -15,6 +15,6 @@', ...context, '-        image: registry.example.com/web:1.3.0 # set by CI', '+        image: registry.example.com/web:2.0 # set by CI', ...after]);
    assert.deepEqual(revert, inverse(original));
    assert.equal(repo.git('show', `${result.commit ?? ''}:${FILE}`) + '\n', deployment('registry.example.com/web:1.3.0'));
    const message = repo.git('log', '-1', '--format=%B', result.commit ?? '');
    assert.match(message, /^Revert "web 2\.0 to production"\n\nThis reverts commit [0-9a-f]{40}\./);
    assert.ok(message.includes(`This reverts commit ${deployed}.`));
    assert.match(message, /\nHotfix-Deployer-Target: production$/);
    assert.deepEqual(result.pushCommand, ['git', '-C', repo.work, 'push', '-u', 'origin', result.branch]);
    assert.equal(result.pushed, false);
    assert.equal(result.pullRequestUrl, undefined, 'a local bare remote has no pull-request page');
  });

  it('leaves the checked-out branch and the dirty work tree of the clone as they were', async () => {
    repo.git('switch', '--quiet', '-c', 'wip', 'HEAD~1');
    writeFileSync(path.join(repo.work, FILE), deployment('my/experiment:1'));
    writeFileSync(path.join(repo.work, 'notes.txt'), 'untracked\n');
    const before = { head: repo.git('rev-parse', 'HEAD'), status: repo.git('status', '--porcelain'), worktrees: repo.git('worktree', 'list') };

    const result = value(await prepareManifestsChange(repo.dir, target(), { kind: 'rollback', to: 'registry.example.com/web:1.3.0' }));
    assert.equal(result.kind, 'revert');
    assert.equal(repo.git('symbolic-ref', '--short', 'HEAD'), 'wip');
    assert.deepEqual({ head: repo.git('rev-parse', 'HEAD'), status: repo.git('status', '--porcelain'), worktrees: repo.git('worktree', 'list') }, before);
    assert.equal(before.status, 'M apps/web/deployment.yaml\n?? notes.txt');
    assert.equal(readFileSync(path.join(repo.work, FILE), 'utf8'), deployment('my/experiment:1'));
    const worktrees = path.join(repo.work, '.git', 'worktrees');
    assert.deepEqual(existsSync(worktrees) ? readdirSync(worktrees) : [], [], 'the temporary worktree is gone');
  });

  it("takes the commit to revert from the controller's applied revision, past later commits to the file", async () => {
    // After the bad deploy: a replicas change to the same file (not the image), and the unrelated one.
    const scaled = repo.commit(FILE, deployment('registry.example.com/web:2.0', 5), 'scale web to 5');
    repo.git('push', '--quiet', 'origin', 'main');
    for (const applied of [`main@sha1:${scaled}`, deployed]) {
      const result = value(await prepareManifestsChange(repo.dir, target(), { kind: 'rollback', to: 'registry.example.com/web:1.3.0', appliedRevision: applied }));
      assert.equal(result.kind, 'revert', applied);
      assert.equal(result.reverted?.sha, deployed);
      assert.equal(repo.git('show', `${result.commit ?? ''}:${FILE}`) + '\n', deployment('registry.example.com/web:1.3.0', 5), 'the later replicas change stays');
    }
    const unknown = value(await prepareManifestsChange(repo.dir, target(), { kind: 'rollback', to: 'registry.example.com/web:1.3.0', appliedRevision: 'f'.repeat(40) }));
    assert.equal(unknown.reverted?.sha, deployed);
    assert.match(unknown.warnings.join('\n'), /applied revision f{40} is not a commit/);
    assert.deepEqual([unknown.branch], ['hotfix/production-rollback-1-3-0-3'], 'an existing branch is never moved');
  });

  it('falls back to an edit, and says why, when a later commit changed the same image line', async () => {
    repo.commit(FILE, deployment('registry.example.com/web:2.0.1'), 'web 2.0.1 to production');
    repo.git('push', '--quiet', 'origin', 'main');
    const conflict = value(await prepareManifestsChange(repo.dir, target(), { kind: 'rollback', to: 'registry.example.com/web:1.3.0', appliedRevision: deployed }));
    assert.equal(conflict.kind, 'edit');
    assert.match(conflict.summary, /an edit, not a revert: reverting [0-9a-f]{8} "web 2\.0 to production" conflicts with later changes to apps\/web\/deployment\.yaml/);
    assert.deepEqual(hunks(repo.git('diff', `${conflict.commit ?? ''}^`, conflict.commit ?? '')).filter((l) => /^[-+@]/.test(l)), [
      '@@ -15,6 +15,6 @@',
      '-        image: registry.example.com/web:2.0.1 # set by CI',
      '+        image: registry.example.com/web:1.3.0 # set by CI',
    ]);
    assert.match(repo.git('log', '-1', '--format=%s', conflict.commit ?? ''), /^Roll back production to registry\.example\.com\/web:1\.3\.0$/);

    const wrong = value(await prepareManifestsChange(repo.dir, target(), { kind: 'rollback', to: 'registry.example.com/web:1.3.0' }));
    assert.equal(wrong.kind, 'edit');
    assert.match(wrong.summary, /reverting [0-9a-f]{8} "web 2\.0\.1 to production" would set registry\.example\.com\/web:2\.0, not registry\.example\.com\/web:1\.3\.0/);
    assert.equal(wrong.branch, 'hotfix/production-rollback-1-3-0-2');
    assert.equal(repo.git('status', '--porcelain'), '');
  });

  it('prepares nothing when git already says the image, and an edit for a hotfix deploy', async () => {
    const none = value(await prepareManifestsChange(repo.dir, target(), { kind: 'rollback', to: 'registry.example.com/web:2.0' }));
    assert.equal(none.kind, 'none');
    assert.match(none.summary, /^git already says registry\.example\.com\/web:2\.0/);
    assert.equal(repo.git('branch', '--list', 'hotfix/*'), '');

    const deploy = value(await prepareManifestsChange(repo.dir, target(), { kind: 'deploy', image: 'registry.example.com/web:2.0.1', branchName: 'hotfix/PROD-2847-fix-null-coupon', issueKey: 'PROD-2847' }));
    assert.equal(deploy.kind, 'edit');
    assert.equal(deploy.branch, 'hotfix/PROD-2847-fix-null-coupon');
    const message = repo.git('log', '-1', '--format=%B', deploy.commit ?? '');
    assert.match(message, /^Deploy registry\.example\.com\/web:2\.0\.1 to production\n/);
    assert.match(message, /hotfix branch hotfix\/PROD-2847-fix-null-coupon, issue PROD-2847/);
  });

  it('pushes the branch to the remote with --push, and gives the GitHub compare address of a GitHub remote', async () => {
    // The clone knows its remote by its GitHub address; git reaches the local bare repository instead.
    repo.git('remote', 'set-url', 'origin', 'git@github.com:acme/infra.git');
    repo.git('config', `url.${repo.remote}.insteadOf`, 'git@github.com:acme/infra.git');
    const result = value(await prepareManifestsChange(repo.dir, target(), { kind: 'rollback', to: 'registry.example.com/web:1.3.0' }, { push: true, issueKey: 'PROD-2847' }));
    assert.equal(result.pushed, true);
    assert.equal(result.branch, 'hotfix/PROD-2847-rollback-1-3-0');
    assert.equal(remoteGit('rev-parse', `refs/heads/${result.branch ?? ''}`), result.commit);
    assert.equal(repo.git('config', `branch.${result.branch ?? ''}.remote`), 'origin');
    assert.equal(result.pullRequestUrl, 'https://github.com/acme/infra/compare/main...hotfix/PROD-2847-rollback-1-3-0?expand=1');
  });

  it('keeps the branch and reports a failed push; an offline fetch is only a warning', async () => {
    repo.git('remote', 'add', 'mirror', path.join(repo.dir, 'missing.git'));
    const result = value(await prepareManifestsChange(repo.dir, target({ remote: 'mirror' }), { kind: 'rollback', to: 'registry.example.com/web:1.3.0' }, { push: true }));
    assert.equal(result.base, 'main');
    assert.equal(result.pushed, false);
    assert.match(result.pushError ?? '', /git push mirror hotfix\/production-rollback-1-3-0 failed: .*missing\.git/);
    assert.match(result.warnings.join('\n'), /Could not fetch main from mirror/);
    assert.equal(repo.git('rev-parse', result.branch ?? ''), result.commit);

    // A remote the clone does not have: the branch is prepared, and the warning says to add it before pushing.
    const nowhere = value(await prepareManifestsChange(repo.dir, target({ remote: 'upstream' }), { kind: 'rollback', to: 'registry.example.com/web:1.3.0' }, { push: true }));
    assert.equal(nowhere.pushed, false);
    assert.match(nowhere.pushError ?? '', /has no remote upstream/);
    assert.match(nowhere.warnings.join('\n'), /has no remote upstream: add it first \(git -C .* remote add upstream <URL>\)/);
  });

  it('reverts a kustomization images: change', async () => {
    const kustomization = (tag: string) => `resources:\n  - deployment.yaml\nimages:\n  - name: web\n    newName: registry.example.com/web\n    newTag: "${tag}" # the release\n`;
    repo.commit('apps/web/kustomization.yaml', kustomization('1.3.0'), 'kustomize web 1.3.0');
    const bad = repo.commit('apps/web/kustomization.yaml', kustomization('2.0'), 'kustomize web 2.0');
    repo.git('push', '--quiet', 'origin', 'main');
    const result = value(await prepareManifestsChange(repo.dir, target({ path: 'apps/web/kustomization.yaml' }), { kind: 'rollback', to: 'registry.example.com/web:1.3.0' }));
    assert.equal(result.kind, 'revert');
    assert.equal(result.reverted?.sha, bad);
    assert.equal(repo.git('show', `${result.commit ?? ''}:apps/web/kustomization.yaml`) + '\n', kustomization('1.3.0'));
    assert.deepEqual(hunks(repo.git('diff', `${result.commit ?? ''}^`, result.commit ?? '')), inverse(hunks(repo.git('diff', `${bad}^`, bad))));
  });

  it('prepares the deploy of a Helm target as an edit of its values.yaml, comments and quotes intact, and reverts it on rollback', async () => {
    const VALUES = 'apps/web/values.yaml';
    const values = (tag: string) => `# Production values for the web chart.
replicaCount: 3

image:
  # The registry CI pushes to.
  repository: registry.example.com/web
  tag: "${tag}" # set by the release pipeline
  pullPolicy: IfNotPresent
`;
    repo.commit(VALUES, values('1.4.1'), 'web 1.4.1 to production');
    repo.git('push', '--quiet', 'origin', 'main');
    const resolved = resolveTarget(
      { targets: { production: { namespace: 'shop', app: 'web', helm: { imageValue: 'image.tag', repositoryValue: 'image.repository' }, gitops: { manifests: { repo: 'work', path: VALUES } } } } },
      'production',
    );
    if (!resolved.ok) assert.fail(resolved.reason);
    const helm = resolved.value;

    const deploy = value(await prepareManifestsChange(repo.dir, helm, { kind: 'deploy', image: 'registry.example.com/web:1.4.2', branchName: 'hotfix/PROD-2900-fix-totals', issueKey: 'PROD-2900' }));
    assert.equal(deploy.kind, 'edit');
    assert.equal(deploy.branch, 'hotfix/PROD-2900-fix-totals');
    assert.equal(deploy.file, VALUES);
    assert.equal(deploy.summary, `${VALUES} sets registry.example.com/web:1.4.2 on hotfix/PROD-2900-fix-totals (was registry.example.com/web:1.4.1).`);
    assert.equal(repo.git('show', `${deploy.commit ?? ''}:${VALUES}`) + '\n', values('1.4.2'));
    assert.deepEqual(hunks(repo.git('diff', `${deploy.commit ?? ''}^`, deploy.commit ?? '')).filter((l) => /^[-+]/.test(l)), [
      '-  tag: "1.4.1" # set by the release pipeline',
      '+  tag: "1.4.2" # set by the release pipeline',
    ]);
    assert.match(repo.git('log', '-1', '--format=%B', deploy.commit ?? ''), /^Deploy registry\.example\.com\/web:1\.4\.2 to production\n[\s\S]*\nHotfix-Deployer-Target: production$/);
    assert.equal(repo.git('status', '--porcelain'), '');

    // Once merged, a rollback to 1.4.1 reverts exactly that commit.
    repo.git('merge', '--quiet', '--ff-only', deploy.commit ?? '');
    repo.git('push', '--quiet', 'origin', 'main');
    const rollback = value(await prepareManifestsChange(repo.dir, helm, { kind: 'rollback', to: 'registry.example.com/web:1.4.1' }));
    assert.equal(rollback.kind, 'revert');
    assert.equal(rollback.reverted?.sha, deploy.commit);
    assert.equal(repo.git('show', `${rollback.commit ?? ''}:${VALUES}`) + '\n', values('1.4.1'));
  });

  it('refuses a missing clone, or a folder that is no repository, and writes nothing', async () => {
    const missing = await prepareManifestsChange(repo.dir, target({ repo: '../infra' }), { kind: 'rollback', to: 'web:1.3.0' });
    assert.equal(missing.ok ? '' : missing.reason, 'targets.production.gitops.manifests.repo: ../infra is not a git repository; clone the manifests repository there.');
    assert.equal(existsSync(path.join(path.dirname(repo.dir), 'infra')), false);
    mkdirSync(path.join(repo.dir, 'infra'));
    const empty = await prepareManifestsChange(repo.dir, target({ repo: 'infra' }), { kind: 'rollback', to: 'web:1.3.0' });
    assert.match(empty.ok ? '' : empty.reason, /manifests\.repo: infra is not a git repository/);
    assert.deepEqual(readdirSync(path.join(repo.dir, 'infra')), []);
  });
});
