// parseTagRefs on what a real git prints for `show-ref --dereference --tags` (a repository made in a
// temporary folder): lightweight, annotated and tag-of-tag names each map to their commit.

import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { parseTagRefs } from '../../src/adapters/git/git-output';

describe('git output: show-ref tags (real git)', () => {
  let dir = '';
  const git = (...args: string[]) => execFileSync('git', ['-c', 'user.name=Test', '-c', 'user.email=test@example.com', ...args], { cwd: dir, encoding: 'utf8' }).trim();

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

  it('reads nothing from no output', () => {
    assert.equal(parseTagRefs('').size, 0);
  });
});
