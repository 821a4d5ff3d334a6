// `audit export` from the built CLI in a real repository: an existing --output is kept without
// --force, a missing folder or a folder given for a file is one line and exit 2, and a git user.name
// carrying terminal escape sequences reaches CSV, Markdown and JSON exports only as visible escapes.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { createGitFixture, type GitFixture } from './fixtures/git';

const CLI = path.resolve(__dirname, '../../../dist/cli.js');
// eslint-disable-next-line no-control-regex
const RAW_CONTROL = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f]/;

describe('CLI twin: hotfix-deployer audit export --output and hostile names (built dist/cli.js, real git)', () => {
  let repo: GitFixture;
  const cli = (...args: string[]) => {
    const run = spawnSync(process.execPath, [CLI, ...args], { cwd: repo.work, encoding: 'utf8' });
    return { code: run.status, out: run.stdout, err: run.stderr };
  };
  beforeEach(() => {
    repo = createGitFixture();
    assert.equal(cli('incident', 'create', '--severity=sev2', '--title=Checkout slow', '--impact=low').code, 0);
  });
  afterEach(() => repo.dispose());

  it('keeps an existing --output without --force (exit 2, one line naming the file and --force), and overwrites with it', () => {
    const target = path.join(repo.dir, 'audit.csv');
    writeFileSync(target, 'kept\n');
    const refused = cli('audit', 'export', '--format=csv', `--output=${target}`);
    assert.equal(refused.code, 2, refused.err);
    assert.equal(refused.err.trimEnd().split('\n').length, 1, `one line: ${refused.err}`);
    assert.ok(refused.err.includes(target) && refused.err.includes('--force'), refused.err);
    assert.equal(readFileSync(target, 'utf8'), 'kept\n');

    const forced = cli('audit', 'export', '--format=csv', `--output=${target}`, '--force');
    assert.equal(forced.code, 0, forced.err);
    assert.match(readFileSync(target, 'utf8'), /^seq,at,actor/);
  });

  it('says what to do, in one line with exit 2, for a missing folder or a folder as --output', () => {
    const missing = cli('audit', 'export', `--output=${path.join(repo.dir, 'no-such-folder', 'audit.json')}`);
    assert.equal(missing.code, 2, missing.err);
    assert.equal(missing.err.trimEnd().split('\n').length, 1, missing.err);
    assert.match(missing.err, /^hotfix-deployer: the folder .*no-such-folder does not exist; create it first/);
    assert.doesNotMatch(missing.err, /\n\s+at /, 'no stack trace');

    const folder = path.join(repo.dir, 'exports');
    mkdirSync(folder);
    for (const force of [[], ['--force']]) {
      const isFolder = cli('audit', 'export', `--output=${folder}`, ...force);
      assert.equal(isFolder.code, 2, isFolder.err);
      assert.equal(isFolder.err.trimEnd().split('\n').length, 1, isFolder.err);
      assert.match(isFolder.err, /exports is a folder; pass --output=FILE naming a file/);
    }
  });

  it('neutralizes escape sequences in a git user.name (the actor) in CSV, Markdown and JSON exports', () => {
    repo.git('config', 'user.name', 'Eve \u001b]0;pwned\u0007\u001b[31mred\u009b2J');
    assert.equal(cli('incident', 'update', '--note=hostile name').code, 0);
    const exported = JSON.parse(cli('audit', 'export').out) as { actor: string }[];
    assert.ok(exported.some((r) => r.actor.includes('\u001b]0;pwned')), 'the JSON export keeps the name, escaped in its text');
    for (const format of ['csv', 'md', 'json']) {
      const run = cli('audit', 'export', `--format=${format}`);
      assert.equal(run.code, 0, run.err);
      assert.doesNotMatch(run.out, RAW_CONTROL, `${format}: no raw control character reaches the terminal`);
      assert.ok(run.out.includes('\\u001b') && run.out.includes('\\u0007') && run.out.includes('\\u009b'), `${format} shows them as escapes`);
    }
    const file = path.join(repo.dir, 'audit.md');
    assert.equal(cli('audit', 'export', '--format=md', `--output=${file}`).code, 0);
    assert.doesNotMatch(readFileSync(file, 'utf8'), RAW_CONTROL);
  });
});
