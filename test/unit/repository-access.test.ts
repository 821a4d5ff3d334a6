// operationRepository on a real git repository: one operation reads the acting identity once, whether
// the deploy side asks for it ahead (prefetchIdentity, then locate) or the incidents located the folder
// first.

import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { operationRepository } from '../../src/adapters/workspace';

describe('one operation reads the git identity once (real git)', () => {
  let dir = '';
  let sub = '';

  before(() => {
    dir = mkdtempSync(path.join(tmpdir(), 'hotfix-access-'));
    execFileSync('git', ['init', '--quiet'], { cwd: dir });
    execFileSync('git', ['config', 'user.name', 'Ada Lovelace'], { cwd: dir });
    execFileSync('git', ['config', 'user.email', 'ada@example.com'], { cwd: dir });
    sub = path.join(dir, 'services', 'web');
    mkdirSync(sub, { recursive: true });
  });

  after(() => rmSync(dir, { recursive: true, force: true }));

  const reads = () => {
    const commands: string[] = [];
    return { commands, access: operationRepository({ onGitCommand: (args) => commands.push(args[0] ?? '') }) };
  };

  it('asked ahead from a subfolder, then located: the same identity, one git config', async () => {
    const { commands, access } = reads();
    access.prefetchIdentity(sub);
    const location = await access.locate(sub);
    assert.ok(location);
    assert.equal(await access.identity(location), 'Ada Lovelace <ada@example.com>');
    assert.equal(await access.identity(location), 'Ada Lovelace <ada@example.com>');
    assert.deepEqual(commands, ['config']);
  });

  it('located and read first, then asked ahead: nothing read again', async () => {
    const { commands, access } = reads();
    const location = await access.locate(dir);
    assert.ok(location);
    assert.equal(await access.identity(location), 'Ada Lovelace <ada@example.com>');
    access.prefetchIdentity(dir);
    assert.equal(await access.identity(location), 'Ada Lovelace <ada@example.com>');
    await new Promise((resolve) => setTimeout(resolve, 50));
    assert.deepEqual(commands, ['config']);
  });
});
