import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import { createHotfix } from '../../src/core/hotfix/create';
import { gitflowRepo, trunkRepo, type Repo } from './fixtures/repos';

const auditLines = (repo: Repo) => {
  const file = path.join(repo.work, '.git', 'hotfix', 'audit.jsonl');
  return existsSync(file) ? readFileSync(file, 'utf8').trim().split('\n').filter(Boolean) : [];
};

describe('hotfix create (real git, bare remote)', () => {
  let repo: Repo;
  afterEach(() => repo.dispose());

  it('gitflow: branches from the highest release tag, not a prerelease or a non-semver tag', async () => {
    repo = gitflowRepo();
    const ctx = await repo.context();
    const result = await createHotfix(ctx, { issue: 'PROD-2847', title: 'Payment null pointer', severity: 'SEV1' });
    assert.ok(result.ok, JSON.stringify(result));
    assert.equal(result.value.branch, 'hotfix/PROD-2847-payment-null-pointer');
    assert.equal(repo.git('symbolic-ref', '--short', 'HEAD'), 'hotfix/PROD-2847-payment-null-pointer');
    assert.equal(repo.sha('HEAD'), repo.sha('v1.10.0^{commit}'));
    assert.deepEqual(result.value.baseline, { ref: 'v1.10.0', sha: repo.sha('v1.10.0^{commit}'), tag: 'v1.10.0', version: '1.10.0' });
    const record = JSON.parse(readFileSync(path.join(repo.work, '.git/hotfix/hotfixes', `${encodeURIComponent(result.value.branch)}.json`), 'utf8')) as { severity: string; createdBy: string };
    assert.equal(record.severity, 'SEV1');
    assert.equal(record.createdBy, 'Ada Oncall <ada@example.com>');
    const [line] = auditLines(repo);
    assert.match(line ?? '', /"action":"hotfix.create".*"subject":"hotfix\/PROD-2847-payment-null-pointer"/);
  });

  it('gitflow: v1.10.0 is above v1.9.0 even when v1.9.0 is newer in time', async () => {
    repo = gitflowRepo();
    repo.git('tag', '-d', 'v1.9.0');
    repo.git('tag', '-a', 'v1.9.0', '-m', 'retagged later', 'production');
    const result = await createHotfix(await repo.context(), { issue: 'OPS-1', title: 'x' });
    assert.ok(result.ok);
    assert.equal(result.value.baseline.tag, 'v1.10.0');
  });

  it('trunk: branches from the production tip and links the issue in the tracker', async () => {
    repo = trunkRepo();
    const ctx = { ...(await repo.context()), trackerUrlTemplate: 'https://tracker.example/browse/{issue}' };
    assert.equal(ctx.settings.model, 'trunk');
    const result = await createHotfix(ctx, { issue: 'PAY-12', title: 'Refund rounding' });
    assert.ok(result.ok, JSON.stringify(result));
    assert.equal(repo.sha('HEAD'), repo.sha('production'));
    assert.equal(result.value.issueUrl, 'https://tracker.example/browse/PAY-12');
    assert.equal(result.value.baseline.tag, 'v3.1.0');
  });

  it('--from names a tag, a ref or production; an unknown base is refused with nothing changed', async () => {
    repo = gitflowRepo();
    const ctx = await repo.context();
    const fromTag = await createHotfix(ctx, { issue: 'A-1', title: 'from tag', from: 'v1.9.0' });
    assert.ok(fromTag.ok);
    assert.equal(repo.sha('HEAD'), repo.sha('v1.9.0^{commit}'));
    repo.git('switch', '--quiet', 'production');
    const fromProduction = await createHotfix(ctx, { issue: 'A-2', title: 'from prod', from: 'production' });
    assert.ok(fromProduction.ok);
    assert.equal(repo.sha('HEAD'), repo.sha('production'));
    repo.git('switch', '--quiet', 'production');
    const refsBefore = repo.refs();
    const auditBefore = auditLines(repo).length;
    for (const from of ['v7.0.0', '--upload-pack=touch /tmp/x', 'no/such/branch']) {
      const missing = await createHotfix(ctx, { issue: 'A-3', title: 'nope', from });
      assert.equal(missing.ok, false, from);
      assert.match(missing.ok ? '' : missing.reason, /Cannot find|not a tag or branch/);
    }
    assert.equal(repo.refs(), refsBefore);
    assert.equal(auditLines(repo).length, auditBefore, 'no audit record for a refused create');
  });

  it('refuses a dirty work tree, listing the files, and changes nothing', async () => {
    repo = gitflowRepo();
    repo.write('app.js', 'broken\n');
    const before = repo.refs();
    const result = await createHotfix(await repo.context(), { issue: 'PROD-1', title: 'x' });
    assert.equal(result.ok, false);
    assert.ok(!result.ok && 'dirtyFiles' in result);
    assert.deepEqual(result.dirtyFiles, ['app.js']);
    assert.match(result.hint, /stash/);
    assert.equal(repo.refs(), before);
    assert.equal(repo.git('symbolic-ref', '--short', 'HEAD'), 'production');
    assert.deepEqual(auditLines(repo), []);
  });

  it('refuses a branch that exists locally or only on the remote', async () => {
    repo = gitflowRepo();
    const ctx = await repo.context();
    assert.ok((await createHotfix(ctx, { issue: 'PROD-5', title: 'dup' })).ok);
    repo.git('switch', '--quiet', 'production');
    const again = await createHotfix(ctx, { issue: 'PROD-5', title: 'dup' });
    assert.equal(again.ok, false);
    assert.match(again.ok ? '' : again.reason, /already exists/);
    // Only on the remote: push, delete locally, fetch.
    repo.git('push', '--quiet', 'origin', 'hotfix/PROD-5-dup');
    repo.git('branch', '-D', 'hotfix/PROD-5-dup');
    // A context is for one operation (its adapter keeps what it read): open a new one after changes from outside.
    const remoteOnly = await createHotfix(await repo.context(), { issue: 'PROD-5', title: 'dup' });
    assert.equal(remoteOnly.ok, false);
    assert.match(remoteOnly.ok ? '' : remoteOnly.reason, /already exists on origin/);
  });

  it('refuses hostile issue keys and slugs hostile titles safely', async () => {
    repo = gitflowRepo();
    const ctx = await repo.context();
    const before = repo.refs();
    for (const issue of ['x; rm -rf .', '$(touch pwned)-1', '../PROD-1', '-PROD-1', 'PROD-1 --force']) {
      const result = await createHotfix(ctx, { issue, title: 'x' });
      assert.equal(result.ok, false, issue);
      assert.match(result.ok ? '' : result.reason, /is not an issue key/);
    }
    assert.equal(repo.refs(), before);
    assert.ok(!existsSync(path.join(repo.work, 'pwned')));
    const titled = await createHotfix(ctx, { issue: 'PROD-9', title: 'Fix "checkout" / ../../etc `id` — Zahlungsausfall ünd 支付' });
    assert.ok(titled.ok);
    assert.equal(titled.value.branch, 'hotfix/PROD-9-fix-checkout-etc-id-zahlungsausfall-und');
    assert.equal(titled.value.title, 'Fix "checkout" / ../../etc `id` — Zahlungsausfall ünd 支付');
  });
});
