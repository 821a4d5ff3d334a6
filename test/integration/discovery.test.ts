import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import * as path from 'node:path';
import { locateRepository } from '../../src/adapters/git/discovery';
import { createGitFixture, type GitFixture } from './fixtures/git';

describe('git adapter: locating the repository (real git)', () => {
  let repo: GitFixture;
  beforeEach(() => {
    repo = createGitFixture();
  });
  afterEach(() => repo.dispose());

  it('finds the work tree root and git directory from a nested folder', async () => {
    const nested = path.join(repo.work, 'src', 'payments');
    mkdirSync(nested, { recursive: true });
    const location = await locateRepository(nested);
    assert.deepEqual(location, { root: repo.work, gitDir: path.join(repo.work, '.git'), commonDir: path.join(repo.work, '.git') });
  });

  it('gives a linked worktree its own git dir and the shared common dir', async () => {
    const linked = path.join(repo.dir, 'linked');
    repo.git('worktree', 'add', '--quiet', '-b', 'hotfix/PROD-1', linked);
    const location = await locateRepository(linked);
    assert.equal(location?.root, linked);
    assert.equal(location?.gitDir, path.join(repo.work, '.git', 'worktrees', 'linked'));
    assert.equal(location?.commonDir, path.join(repo.work, '.git'));
  });

  it('finds nothing in a plain folder, a bare remote or a missing folder', async () => {
    const plain = path.join(repo.dir, 'plain');
    mkdirSync(plain);
    assert.equal(await locateRepository(plain), undefined);
    assert.equal(await locateRepository(repo.remote), undefined);
    assert.equal(await locateRepository(path.join(repo.dir, 'missing')), undefined);
  });
});
