import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as path from 'node:path';
import { run } from '../../src/cli/program';
import { gitflowRepo, type Repo } from './fixtures/repos';

const CLI = path.resolve(__dirname, '../../../dist/cli.js');

function cli(repo: Repo, ...args: string[]) {
  const run = spawnSync(process.execPath, [CLI, ...args], { cwd: repo.work, encoding: 'utf8' });
  return { code: run.status, out: run.stdout, err: run.stderr };
}

describe('CLI twin: hotfix-deployer create | finish | status (built dist/cli.js, real git)', () => {
  let repo: Repo;
  beforeEach(() => {
    repo = gitflowRepo();
  });
  afterEach(() => repo.dispose());

  it('prints its version and exits 2 on an unknown verb or bad input, changing nothing', async () => {
    assert.match(cli(repo, '--version').out, /^\d+\.\d+\.\d+\n$/);
    // The launcher answers --version alone without the command tree: exactly as commander does.
    let asCommander = '';
    assert.equal(await run(['--version'], { out: (t) => (asCommander += t), err: (t) => (asCommander += t) }), 0);
    for (const flag of ['--version', '-V']) assert.deepEqual(cli(repo, flag), { code: 0, out: asCommander, err: '' });
    const unknown = cli(repo, 'deploy-everything');
    assert.equal(unknown.code, 2);
    assert.match(unknown.err, /unknown command 'deploy-everything'/);
    const before = repo.refs();
    const hostile = cli(repo, 'create', '--issue=x; rm -rf .', '--title=t');
    assert.equal(hostile.code, 2);
    assert.match(hostile.err, /is not an issue key[\s\S]*PROD-2847/);
    assert.equal(cli(repo, 'create', '--issue=PROD-1', '--severity=sev9').code, 2);
    assert.equal(cli(repo, 'create', '--title=no issue').code, 2);
    assert.equal(repo.refs(), before);
  });

  it('create, status --json, a conflicting finish (exit 3), --abort: the on-call flow from a terminal', () => {
    const created = cli(repo, 'create', '--issue=PROD-2847', '--title=payment null pointer', '--severity=sev1');
    assert.equal(created.code, 0, created.err);
    assert.match(created.out, /Created hotfix\/PROD-2847-payment-null-pointer from v1\.10\.0/);
    repo.commit('app.js', 'module.exports = (order) => order?.total ?? 0;\n', 'fix: guard a null order');

    const status = cli(repo, 'status', '--json');
    assert.equal(status.code, 0, status.err);
    const parsed = JSON.parse(status.out) as { ok: boolean; status: { production: { tag: string }; branches: { name: string; commits: unknown[]; current: boolean; severity: string }[] } };
    assert.equal(parsed.status.production.tag, 'v1.10.0');
    assert.deepEqual(parsed.status.branches.map((b) => [b.name, b.commits.length, b.current, b.severity]), [['hotfix/PROD-2847-payment-null-pointer', 1, true, 'SEV1']]);

    const stopped = cli(repo, 'finish', '--no-push');
    assert.equal(stopped.code, 3, stopped.err);
    assert.match(stopped.err, /stopped at merge:develop: conflicts in app\.js[\s\S]*finish --continue/);
    assert.match(cli(repo, 'status').out, /finish of hotfix\/PROD-2847-payment-null-pointer in progress.*next merge:develop/);

    const aborted = cli(repo, 'finish', '--abort', '--json');
    assert.equal(aborted.code, 0, aborted.out);
    assert.equal((JSON.parse(aborted.out) as { aborted: boolean }).aborted, true);
    assert.equal(cli(repo, 'finish', '--continue').code, 1, 'nothing to continue after an abort');
  });
});
