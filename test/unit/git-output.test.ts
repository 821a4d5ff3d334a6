// The adapter's readings of what a real git prints (a repository made in a temporary folder):
// show-ref's tags, the one listing of branches and tag names, and named tags with their commits.

import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { parseTagRefs } from '../../src/adapters/git/git-output';
import { SimpleGitRepo } from '../../src/adapters/git/simple-git-repo';

describe('git output: show-ref tags (real git)', () => {
  let dir = '';
  const git = (...args: string[]) => execFileSync('git', ['-c', 'user.name=Test', '-c', 'user.email=test@example.com', '-c', 'advice.nestedTag=false', ...args], { cwd: dir, encoding: 'utf8' }).trim();

  before(() => {
    dir = mkdtempSync(path.join(tmpdir(), 'hotfix-tags-'));
    git('init', '--quiet', '--initial-branch=main');
    git('commit', '--quiet', '--allow-empty', '-m', 'one');
    git('tag', 'v1.0.0');
    git('commit', '--quiet', '--allow-empty', '-m', 'two');
    git('tag', '-a', 'v1.1.0', '-m', 'annotated');
    git('tag', '-a', 'release/v1.1.0', '-m', 'a tag of a tag', 'v1.1.0');
  });

  after(() => rmSync(dir, { recursive: true, force: true }));

  it('maps every tag to the commit it peels to, lightweight, annotated and nested alike', () => {
    const tags = parseTagRefs(execFileSync('git', ['show-ref', '--dereference', '--tags'], { cwd: dir, encoding: 'utf8' }));
    assert.deepEqual([...tags.keys()].sort(), ['release/v1.1.0', 'v1.0.0', 'v1.1.0']);
    for (const name of tags.keys()) assert.equal(tags.get(name), git('rev-parse', `${name}^{commit}`), name);
    assert.notEqual(tags.get('v1.1.0'), git('rev-parse', 'v1.1.0'), 'the commit, not the tag object');
  });

  it('reads ls-remote --tags the same way (tab-separated, the same peeled commits)', () => {
    const remote = parseTagRefs(execFileSync('git', ['ls-remote', '--tags', '.'], { cwd: dir, encoding: 'utf8' }));
    assert.deepEqual([...remote], [...parseTagRefs(execFileSync('git', ['show-ref', '--dereference', '--tags'], { cwd: dir, encoding: 'utf8' }))]);
  });

  it('reads nothing from no output', () => {
    assert.equal(parseTagRefs('').size, 0);
  });
});

describe('git output: the branch and tag listing, and named tags (real git, through the adapter)', () => {
  let dir = '';
  const git = (...args: string[]) => execFileSync('git', ['-c', 'user.name=Test', '-c', 'user.email=test@example.com', '-c', 'advice.nestedTag=false', ...args], { cwd: dir, encoding: 'utf8' }).trim();
  const repo = () => new SimpleGitRepo(dir, { gitDir: path.join(dir, '.git') });
  const dateOf = (ref: string) => git('log', '-1', '--format=%cI', `${ref}^{commit}`);

  before(() => {
    dir = mkdtempSync(path.join(tmpdir(), 'hotfix-refs-'));
    git('init', '--quiet', '--initial-branch=production');
    git('commit', '--quiet', '--allow-empty', '-m', 'one');
    git('tag', 'v1.0.0');
    execFileSync('git', ['-c', 'user.name=Test', '-c', 'user.email=test@example.com', 'commit', '--quiet', '--allow-empty', '-m', 'two'], { cwd: dir, env: { ...process.env, GIT_COMMITTER_DATE: '2021-01-30T07:56:40+05:30' } });
    git('tag', '-a', 'v1.1.0', '-m', 'annotated');
    git('tag', '-a', 'v1.1.0-nested', '-m', 'a tag of a tag', 'v1.1.0');
    git('tag', 'v1.3/below', 'v1.0.0'); // matched by the pattern refs/tags/v1.3 too
    git('switch', '--quiet', '--create', 'develop');
    git('commit', '--quiet', '--allow-empty', '-m', 'three');
    git('tag', 'v1.2.0');
    git('update-ref', 'refs/remotes/origin/production', 'production');
    git('symbolic-ref', 'refs/remotes/origin/HEAD', 'refs/remotes/origin/production');
  });

  after(() => rmSync(dir, { recursive: true, force: true }));

  it('lists branches, remote-tracking branches without HEAD, tag names and the branch checked out, in one command', async () => {
    const commands: string[][] = [];
    const r = new SimpleGitRepo(dir, { gitDir: path.join(dir, '.git'), onCommand: (args) => commands.push([...args]) });
    const [local, remote, names] = await Promise.all([r.localBranches(), r.remoteBranches(), r.tagNames()]);
    assert.deepEqual(local, ['develop', 'production']);
    assert.deepEqual(remote, ['origin/production']);
    assert.deepEqual(names.sort(), ['v1.0.0', 'v1.1.0', 'v1.1.0-nested', 'v1.2.0', 'v1.3/below']);
    assert.equal(await r.currentBranch(), 'develop');
    assert.equal(commands.length, 1, JSON.stringify(commands));
  });

  it('says no branch on a detached HEAD, listed or not', async () => {
    git('switch', '--quiet', '--detach', 'production');
    try {
      const listed = repo();
      await listed.localBranches();
      assert.equal(await listed.currentBranch(), undefined);
      assert.equal(await repo().currentBranch(), undefined);
    } finally {
      git('switch', '--quiet', 'develop');
    }
  });

  it('gives each named tag its commit and that commit\'s date, only the names asked for, merged or not', async () => {
    const all = await repo().tags(undefined, ['v1.0.0', 'v1.1.0', 'v1.1.0-nested', 'v1.3', 'v9.9.9']);
    assert.deepEqual(all.map((t) => t.name).sort(), ['v1.0.0', 'v1.1.0', 'v1.1.0-nested']);
    for (const t of all) assert.equal(t.sha, git('rev-parse', `${t.name}^{commit}`), t.name);
    const byName = new Map(all.map((t) => [t.name, t]));
    assert.equal(byName.get('v1.0.0')?.date, dateOf('v1.0.0'), 'lightweight');
    assert.equal(byName.get('v1.1.0')?.date, '2021-01-30T07:56:40+05:30', 'annotated: its commit\'s date, in its own zone, as %cI');
    assert.equal(byName.get('v1.1.0')?.date, dateOf('v1.1.0'));

    const onProduction = await repo().tags('production', ['v1.0.0', 'v1.1.0', 'v1.2.0']);
    assert.deepEqual(onProduction.map((t) => t.name).sort(), ['v1.0.0', 'v1.1.0'], 'v1.2.0 is on develop only');
    assert.deepEqual(await repo().tags('production', []), []);
  });
});
