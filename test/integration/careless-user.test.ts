// What a careless user (or a broken machine) does, answered clearly: an unreadable incident counts as
// open, so nothing picks "the only open one" past it; a shallow clone, a tag only on the remote, a
// validation step outside the repository and an unreachable cluster each say what to do. Built
// dist/cli.js on real git repositories with a bare remote.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, symlinkSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { spawn } from 'node:child_process';
import { ChainedFileAuditLog } from '../../src/adapters/store/audit-file';
import { GIT_ENV } from './fixtures/git';
import { gitflowRepo, type Repo } from './fixtures/repos';

const CLI = path.resolve(__dirname, '../../../dist/cli.js');

function run(cwd: string, home: string, ...args: string[]) {
  const ran = spawnSync(process.execPath, [CLI, ...args], { cwd, encoding: 'utf8', env: { ...process.env, ...GIT_ENV, HOME: home, KUBECONFIG: path.join(home, 'kubeconfig') } });
  return { code: ran.status, out: ran.stdout, err: ran.stderr };
}

describe('careless input and broken state are answered clearly (built dist/cli.js, real git)', function () {
  this.timeout(120_000);
  let repo: Repo;
  const cli = (...args: string[]) => run(repo.work, repo.dir, ...args);
  beforeEach(() => {
    repo = gitflowRepo();
  });
  afterEach(() => repo.dispose());

  it('two open incidents, one unreadable: resolve, update, postmortem and deploy refuse with exit 2 naming both', () => {
    const first = JSON.parse(cli('incident', 'create', '--severity=sev1', '--title=Checkout down', '--impact=high', '--json').out) as { incident: { id: string } };
    const second = JSON.parse(cli('incident', 'create', '--severity=sev2', '--title=Search slow', '--impact=low', '--json').out) as { incident: { id: string } };
    const dir = path.join(repo.work, '.git', 'hotfix', 'incidents');
    const file = readdirSync(dir).find((f) => f.startsWith(second.incident.id));
    assert.ok(file, `the incident file of ${second.incident.id}`);
    writeFileSync(path.join(dir, file), '{ torn');

    for (const args of [
      ['incident', 'resolve', '--root-cause=null order', '--action-items=validate orders'],
      ['incident', 'update', '--status=identified'],
      ['incident', 'postmortem'],
    ]) {
      const ran = cli(...args);
      assert.equal(ran.code, 2, `${args.join(' ')}: ${ran.out}${ran.err}`);
      assert.match(ran.err, new RegExp(`${first.incident.id}[\\s\\S]*${second.incident.id}[\\s\\S]*cannot be read[\\s\\S]*--id`), args.join(' '));
    }
    const shown = JSON.parse(cli('incident', 'show', `--id=${first.incident.id}`, '--json').out) as { incident: { status: string; events: unknown[] } };
    assert.equal(shown.incident.status, 'investigating', 'the readable incident was not resolved in its place');
    assert.equal(shown.incident.events.length, 1, 'and nothing was added to it');

    // A deploy or rollback would annotate, notify and choose emergency mode by the incident: it asks too.
    mkdirSync(path.join(repo.work, '.hotfix'), { recursive: true });
    repo.write('.hotfix/config.yaml', 'targets:\n  staging: { namespace: shop, app: web }\n');
    writeFileSync(path.join(repo.dir, 'kubeconfig'), 'apiVersion: v1\nkind: Config\ncurrent-context: c\nclusters: [{ name: c, cluster: { server: "https://127.0.0.1:9" } }]\ncontexts: [{ name: c, context: { cluster: c, user: u } }]\nusers: [{ name: u, user: { token: t } }]\n');
    for (const verb of [['deploy', '--image=registry.example/web:1.0.1'], ['rollback']]) {
      const ran = cli(...verb, '--target=staging', '--json');
      assert.equal(ran.code, 2, `${verb[0]}: ${ran.out}`);
      const doc = JSON.parse(ran.out) as { reason: string; hint: string; commands: string[] };
      assert.match(doc.reason, new RegExp(`may be open: .*${first.incident.id}.*${second.incident.id}`));
      // The remedies, as the commands that answer it: name the incident, or say it belongs to none.
      assert.ok(doc.commands.some((c) => /--incident="…"/.test(c)) && doc.commands.some((c) => /--incident=none/.test(c)), JSON.stringify(doc.commands));
    }
  });

  it('a shallow clone without tags is told to fetch them, not to tag again', () => {
    const shallow = path.join(repo.dir, 'shallow');
    spawnSync('git', ['clone', '--quiet', '--depth=1', '--no-single-branch', '--no-tags', '--branch=production', `file://${repo.remote}`, shallow], { env: { ...process.env, ...GIT_ENV } });
    const ran = run(shallow, repo.dir, 'create', '--issue=PROD-7', '--title=fix');
    assert.equal(ran.code, 1, ran.err);
    assert.match(ran.err, /shallow clone[\s\S]*git fetch --unshallow --tags[\s\S]*do not tag the release again/);
  });

  it('a release tag only on the remote stops the finish before anything changes, saying to fetch tags', () => {
    assert.equal(cli('create', '--issue=PROD-8', '--title=fix').code, 0);
    repo.commit('fix.js', 'module.exports = 2;\n', 'fix: the thing');
    // Someone else released v1.10.1 meanwhile; this clone has not fetched it.
    repo.git('--git-dir', repo.remote, 'tag', 'v1.10.1', 'production');
    const before = repo.refs();
    const ran = cli('finish');
    assert.equal(ran.code, 1, ran.err);
    assert.match(ran.err, /origin has release tags this clone lacks: v1\.10\.1[\s\S]*git fetch --tags origin[\s\S]*Nothing was changed/);
    assert.equal(repo.refs(), before, 'no merge, no tag');
    repo.git('fetch', '--quiet', '--tags', 'origin');
    const finished = cli('finish', '--json');
    assert.equal(finished.code, 0, finished.out);
    assert.equal((JSON.parse(finished.out) as { tag: string }).tag, 'v1.10.2', 'the next free patch version');
  });

  it('a validation step outside the repository is refused: by path before it runs, and through a symlink when it would run', () => {
    mkdirSync(path.join(repo.work, '.hotfix'), { recursive: true });
    const marker = path.join(repo.dir, 'ran-outside');
    repo.write('.hotfix/config.yaml', `validate:\n  escape:\n    - { name: up, run: [touch, ${marker}], cwd: ../.. }\n  linked:\n    - { name: link, run: [touch, ${marker}], cwd: out }\n`);
    const byPath = cli('validate', '--test-suite=escape');
    assert.equal(byPath.code, 2, byPath.err);
    assert.match(byPath.err, /validate\.escape: the step up runs in "\.\.\/\.\.", outside the repository/);
    symlinkSync(repo.dir, path.join(repo.work, 'out'));
    const byLink = cli('validate', '--test-suite=linked', '--json');
    assert.equal(byLink.code, 1);
    assert.match(byLink.out, /outside the repository/);
    assert.equal(existsSync(marker), false, 'the step never ran');
  });

  it('audit export | head: a reader that leaves early ends the export quietly, no stack trace', async () => {
    const log = new ChainedFileAuditLog(path.join(repo.work, '.git', 'hotfix', 'audit.jsonl'));
    for (let i = 0; i < 1500; i++) await log.append({ at: new Date(Date.UTC(2026, 11, 5, 10, 0, i)).toISOString(), actor: 'Ada', action: 'test.record', subject: `record ${i} ${'x'.repeat(80)}` });
    const child = spawn(process.execPath, [CLI, 'audit', 'export', '--format=csv'], { cwd: repo.work, stdio: ['ignore', 'pipe', 'pipe'] });
    let err = '';
    child.stderr.on('data', (d: Buffer) => (err += d.toString()));
    // `head -c 100`: read a little, then close the pipe.
    child.stdout.once('data', () => child.stdout.destroy());
    const code = await new Promise<number | null>((resolve) => child.on('close', (c) => resolve(c)));
    assert.doesNotMatch(err, /EPIPE|\n\s+at /, err);
    assert.ok(code === 141 || code === 0, `exit ${code}`);
  });

  it('targets --json exits 1 when a cluster could not be read, listing what it could', () => {
    mkdirSync(path.join(repo.work, '.hotfix'), { recursive: true });
    repo.write('.hotfix/config.yaml', 'targets:\n  staging: { namespace: shop, app: web }\n');
    writeFileSync(path.join(repo.dir, 'kubeconfig'), 'apiVersion: v1\nkind: Config\ncurrent-context: c\nclusters: [{ name: c, cluster: { server: "https://127.0.0.1:9" } }]\ncontexts: [{ name: c, context: { cluster: c, user: u } }]\nusers: [{ name: u, user: { token: t } }]\n');
    const ran = cli('targets', '--json');
    assert.equal(ran.code, 1, ran.out);
    const doc = JSON.parse(ran.out) as { ok: boolean; reason: string; targets: { target: string; unreachable?: boolean }[] };
    assert.equal(doc.ok, false);
    assert.match(doc.reason, /1 of 1 target could not be read: staging/);
    assert.equal(doc.targets[0]?.unreachable, true);
  });
});
