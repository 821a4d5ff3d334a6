// Which forge a remote is on, and where its API is: github.com, GitHub Enterprise, gitlab.com, a
// self-managed GitLab, and git.forge where the address does not say. The finish through pull requests
// runs against the contract-validated fake GitHub in test/integration/finish-pull-request.test.ts.

import assert from 'node:assert/strict';
import { renderInitConfig } from '../../src/core/config/init';
import { parseConfig } from '../../src/core/config/parse';
import { mergeWords, requestDescription, type FinishRequestRow } from '../../src/app/hotfix-requests';
import { parseRemote, pullRequestLine, resolveForge, type PullRequestView } from '../../src/core/hotfix/forge';
import { pullRequestPlan } from '../../src/core/hotfix/finish-pr';

describe('forge: which one a remote is on', () => {
  it('reads https, ssh and scp-like addresses', () => {
    assert.deepEqual(parseRemote('https://github.com/acme/shop.git'), { host: 'github.com', path: 'acme/shop' });
    assert.deepEqual(parseRemote('git@github.com:acme/shop.git'), { host: 'github.com', path: 'acme/shop' });
    assert.deepEqual(parseRemote('ssh://git@gitlab.example.com:2222/group/sub/app.git'), { host: 'gitlab.example.com', path: 'group/sub/app' });
    assert.deepEqual(parseRemote('https://git.corp.example:8443/acme/shop'), { host: 'git.corp.example', path: 'acme/shop', port: '8443' });
    assert.equal(parseRemote('/srv/git/shop.git'), undefined, 'a path is no forge');
  });

  it('github.com, GitHub Enterprise, gitlab.com and self-managed GitLab get their API addresses', () => {
    assert.deepEqual(resolveForge('git@github.com:acme/shop.git', undefined), { kind: 'github', api: 'https://api.github.com', repository: 'acme/shop', web: 'https://github.com/acme/shop' });
    assert.deepEqual(resolveForge('https://github.corp.example/acme/shop.git', undefined), { kind: 'github', api: 'https://github.corp.example/api/v3', repository: 'acme/shop', web: 'https://github.corp.example/acme/shop' });
    assert.deepEqual(resolveForge('https://gitlab.com/group/sub/app.git', undefined), { kind: 'gitlab', api: 'https://gitlab.com/api/v4', repository: 'group/sub/app', web: 'https://gitlab.com/group/sub/app' });
    assert.deepEqual(resolveForge('git@git.corp.example:group/app.git', { kind: 'gitlab' }), { kind: 'gitlab', api: 'https://git.corp.example/api/v4', repository: 'group/app', web: 'https://git.corp.example/group/app' });
    assert.equal(resolveForge('git@git.corp.example:group/app.git', undefined), undefined, 'an unknown host needs git.forge.kind');
    assert.deepEqual(resolveForge('/srv/git/shop.git', { kind: 'github', api: 'http://127.0.0.1:9/api/v3/', repository: 'acme/shop' }), { kind: 'github', api: 'http://127.0.0.1:9/api/v3', repository: 'acme/shop', web: 'http://127.0.0.1:9/acme/shop' });
  });
});

describe('forge: the finish plan and how a request reads', () => {
  it('gitflow: production first, the tag on its merge, then every back-merge, then the branch goes', () => {
    assert.deepEqual(pullRequestPlan(['production', 'develop', 'release/2.0'], 'production', true), [
      'push-branch', 'open:production', 'await:production', 'tag-merge', 'open:develop', 'open:release/2.0', 'await:develop', 'await:release/2.0', 'delete-merged',
    ]);
  });

  it('says what a request waits for', () => {
    const pr = { number: 7, url: 'u', title: 't', head: 'h', base: 'b', headSha: 's', state: 'open' as const, mergeable: true, mergeState: 'blocked', checks: { pending: ['ci'], passed: [], failed: [] }, reviews: { approved: [], changesRequested: ['bo'] } };
    assert.equal(pullRequestLine(pr), 'pull request #7 open, blocked; reviews: changes requested by bo; checks: ci pending');
    assert.equal(pullRequestLine({ ...pr, mergeable: false }), 'pull request #7 open, conflicts with its base; reviews: changes requested by bo; checks: ci pending');
    assert.equal(pullRequestLine({ ...pr, state: 'merged', mergeCommit: 'abcdef0123' }, 'merge request'), 'merge request #7 merged as abcdef01');
  });
});

describe('forge: init suggests pull requests for a GitHub or GitLab remote', () => {
  const git = { model: 'gitflow' as const, productionBranch: 'production', developBranch: 'develop', mainBranch: 'production', tagPrefix: 'v', remote: 'origin' };
  it('writes finish: pull-request with why for a forge, a commented line otherwise; both read back', () => {
    const withForge = renderInitConfig({ git, forge: { kind: 'gitlab', repository: 'group/app' } }).text;
    assert.match(withForge, /# The remote is GitLab group\/app: finish through merge requests[^\n]*\n[^\n]*GITLAB_TOKEN[^\n]*\n {2}finish: pull-request\n/);
    const parsed = parseConfig(withForge, '.hotfix/config.yaml');
    assert.ok(parsed.ok && parsed.value.git?.finish === 'pull-request', parsed.ok ? '' : parsed.reason);
    const plain = renderInitConfig({ git }).text;
    assert.match(plain, /\n {2}# finish: pull-request /);
    assert.ok(parseConfig(plain, '.hotfix/config.yaml').ok);
  });
});

describe('forge: a request row of the Hotfixes view and status', () => {
  const view = (over: Partial<PullRequestView> = {}): PullRequestView => ({
    number: 12, url: 'https://github.com/acme/shop/pull/12', title: 'Hotfix PAY-7', head: 'hotfix/PAY-7-x', base: 'production', headSha: 'a'.repeat(40),
    state: 'open', mergeable: true, mergeState: 'blocked', checks: { pending: ['ci'], passed: [], failed: [] }, reviews: { approved: [], changesRequested: [] }, ...over,
  });
  const row = (v: PullRequestView | undefined, extra: Partial<FinishRequestRow> = {}): FinishRequestRow => ({ into: 'production', number: 12, url: 'https://github.com/acme/shop/pull/12', merged: false, ...(v ? { view: v } : {}), ...extra });

  it('says what stands between an open request and its merge: the branch rules, the reviews, the checks', () => {
    assert.equal(requestDescription(row(view())), 'blocked by the branch rules · no approval yet · checks: ci pending');
    assert.equal(requestDescription(row(view({ mergeState: 'clean', reviews: { approved: ['grace'], changesRequested: [] }, checks: { pending: [], passed: ['ci', 'lint'], failed: [] } }))), 'ready to merge · approved by grace · checks: 2 passed');
    assert.equal(requestDescription(row(view({ reviews: { approved: ['grace'], changesRequested: ['linus'] }, checks: { pending: [], passed: ['lint'], failed: ['ci'] } }))), 'blocked by the branch rules · changes requested by linus · checks: ci failed, 1 passed');
    assert.equal(requestDescription(row(view({ mergeable: false, mergeState: 'dirty' }))), 'conflicts with its base · no approval yet · checks: ci pending');
    assert.equal(requestDescription(row(view({ mergeable: undefined, mergeState: 'unknown', checks: { pending: [], passed: [], failed: [] } }))), 'mergeability being computed · no approval yet · checks: none');
    assert.equal(mergeWords(view({ mergeState: 'behind' })), 'behind its base');
  });

  it('a merged, a closed and an unreadable request say so', () => {
    assert.equal(requestDescription(row(undefined, { merged: true })), 'merged');
    assert.equal(requestDescription(row(view({ state: 'closed' }))), 'closed without merging');
    assert.equal(requestDescription(row(undefined, { error: 'GitHub acme/shop: Bad credentials (401)' })), 'not read: GitHub acme/shop: Bad credentials (401)');
  });
});
