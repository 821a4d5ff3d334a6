import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import type { HotfixConfigFile } from '../../src/core/config/types';
import { apps, type Apps } from './fixtures/apps';
import { kubeCluster, KUBE_START_TIMEOUT_MS, type KubeCluster } from './fixtures/cluster';
import { gitflowRepo, type Repo } from './fixtures/repos';

const CLI = path.resolve(__dirname, '../../../dist/cli.js');
const BRANCH = 'hotfix/PROD-9-guard-null-order';

/** A step that runs node with a script: real commands, no shell. */
const node = (script: string, ...args: string[]) => [process.execPath, '-e', script, ...args];
const passes = node('console.log("12 passing")');
const fails = node('console.log("2 failing: checkout total"); process.exit(1)');

/** Whether a process still runs (a zombie waiting for a reaper counts as gone). */
function alive(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return !/^\d+ \(.*\) Z/.test(stat);
  } catch {
    try {
      process.kill(pid, 0);
      return true;
    } catch {
      return false;
    }
  }
}

describe('CLI twin: validate before deploy (built dist/cli.js, real commands, real git, real control plane)', function () {
  this.timeout(120_000);
  let cluster: KubeCluster;
  let k: Apps;
  let repo: Repo;
  let ns: string;
  const plain = (...args: string[]) => {
    const run = spawnSync(process.execPath, [CLI, ...args], { cwd: repo.work, encoding: 'utf8' });
    return { code: run.status, out: run.stdout, err: run.stderr };
  };
  const cli = (...args: string[]) => plain(...args, `--kubeconfig=${cluster.kubeconfig}`);
  const configFile = () => path.join(repo.work, '.hotfix', 'config.yaml');
  /** YAML reads JSON: the config is written as JSON so the node scripts need no YAML quoting. */
  const configure = (suites: HotfixConfigFile['validate'], staging: Record<string, unknown> = {}) =>
    writeFileSync(configFile(), JSON.stringify({ validate: suites, targets: { staging: { namespace: ns, app: 'checkout', validate: 'ci', ...staging }, ghost: { namespace: 'no-such-namespace', app: 'checkout' } } }, null, 2));
  const auditRecords = () => readFileSync(path.join(repo.work, '.git', 'hotfix', 'audit.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l) as { action: string; actor: string; details?: Record<string, unknown> });
  const timeline = (id: string) => {
    const shown = plain('incident', 'show', `--id=${id}`, '--json');
    const incident = (JSON.parse(shown.out) as { incident: { timeline?: { type: string }[]; events?: { type: string }[] } }).incident;
    return (incident.timeline ?? incident.events ?? []) as ({ type: string } & Record<string, unknown>)[];
  };
  const declare = (severity: string) => {
    const declared = plain('incident', 'create', `--severity=${severity}`, '--title=Checkout errors', '--impact=high', '--json');
    assert.equal(declared.code, 0, declared.err + declared.out);
    return (JSON.parse(declared.out) as { incident: { id: string } }).incident.id;
  };
  const resolve = (id: string) => assert.equal(plain('incident', 'resolve', `--id=${id}`, '--root-cause=null order', '--action-items=validate orders').code, 0);

  before(async function () {
    this.timeout(KUBE_START_TIMEOUT_MS);
    cluster = await kubeCluster();
    k = await apps(cluster);
    ns = await cluster.namespace('validate');
    await k.deployment(ns, 'checkout', 'checkout:1.4.0', { app: 'checkout' }, 2);
    repo = gitflowRepo();
    repo.git('switch', '--quiet', '-c', BRANCH);
    repo.commit('app.js', 'module.exports = (order) => (order ? order.total : 0);\n', 'guard null order');
    repo.git('push', '--quiet', '-u', 'origin', BRANCH);
    mkdirSync(path.join(repo.work, '.hotfix'));
    configure({ ci: [{ name: 'unit', run: passes }] });
  });
  after(() => {
    k?.dispose();
    repo?.dispose();
  });

  it('runs the built-in checks against the real repository and cluster: branch, config, cluster, image, dry-run', () => {
    configure({ ci: [{ name: 'unit', run: passes }, { name: 'missing', run: ['no-such-command-hfd'] }] });
    const current = cli('validate', '--environment=staging', '--image=checkout:1.4.0');
    assert.equal(current.code, 1, current.err);
    assert.match(current.out, /✓ config: target staging resolves; suite ci has 2 step\(s\)/);
    assert.match(current.out, new RegExp(`✓ branch: pushed: origin/${BRANCH} = HEAD [0-9a-f]{8}; contains v1\\.10\\.0 \\([0-9a-f]{8}\\); contains origin/production`));
    assert.match(current.out, new RegExp(`✓ cluster: context hotfix-test \\(https://127\\.0\\.0\\.1:\\d+\\) answers; namespace ${ns} exists`));
    assert.match(current.out, /✓ image: checkout:1\.4\.0 was seen before: revision 1 of checkout, what checkout runs now/);
    assert.match(current.out, /✗ dry-run: checkout already runs checkout:1\.4\.0\. Nothing to deploy/);
    assert.match(current.out, /▶ unit: .*\n {2}│ 12 passing\n/);
    assert.match(current.out, /✓ step unit: exit 0 in \d+ ms/);
    assert.match(current.out, /✗ step missing: command not found: no-such-command-hfd/);
    assert.match(current.err, /Validation failed: suite ci for staging at [0-9a-f]{8}: 2 of 7 check\(s\) failed: dry-run, missing/);

    repo.commit('notes.md', 'wip\n', 'not pushed yet');
    const ghost = cli('validate', '--target=ghost', '--test-suite=ci', '--image=checkout:1.4.1', '--json');
    assert.equal(ghost.code, 1);
    const report = (JSON.parse(ghost.out) as { report: { checks: { name: string; pass: boolean; reason: string; skipped?: boolean }[] } }).report;
    const byName = Object.fromEntries(report.checks.map((c) => [c.name, c]));
    assert.match(byName['branch']?.reason ?? '', new RegExp(`origin/${BRANCH} is at [0-9a-f]{8}, HEAD at [0-9a-f]{8} \\(unpushed commits\\): push`));
    assert.match(byName['cluster']?.reason ?? '', /namespace no-such-namespace does not exist in context hotfix-test/);
    assert.deepEqual([byName['image']?.skipped, byName['dry-run']?.skipped], [true, true]);
    assert.match(ghost.err, /│ 12 passing/, 'with --json the steps stream to stderr');
    repo.git('push', '--quiet', 'origin', BRANCH);
    assert.equal(existsSync(path.join(repo.work, '.git', 'hotfix', 'validate', 'staging.json')), false, 'a failed report is not saved');
  });

  it('a failing suite blocks the CLI deploy: exit 1, the failed steps named, nothing changed in the cluster, no deploy state', async () => {
    configure({ ci: [{ name: 'unit', run: fails }, { name: 'lint', run: passes }] });
    const denied = cli('deploy', '--target=staging', '--image=checkout:1.5.0');
    assert.equal(denied.code, 1, denied.err);
    assert.match(denied.out, /validation: no passing validation report is saved; running suite ci first/);
    assert.match(denied.out, /│ 2 failing: checkout total/);
    assert.match(denied.out, /✗ step unit: exit 1 in \d+ ms/);
    assert.match(denied.out, /✓ step lint: exit 0/);
    assert.match(denied.err, /The deploy is blocked: validation suite ci failed: unit \(exit 1 in \d+ ms\)\. Nothing was written to the cluster\./);
    assert.match(denied.err, /--override-validation/);
    assert.equal(await k.image(ns, 'checkout'), 'checkout:1.4.0');
    assert.equal(existsSync(path.join(repo.work, '.git', 'hotfix', 'deploys', 'staging.json')), false);
    const runs = auditRecords().filter((r) => r.action === 'validate.run');
    assert.deepEqual([runs.at(-1)?.details?.['pass'], runs.at(-1)?.details?.['suite:unit'], runs.at(-1)?.details?.['suite:lint']], [false, 'fail', 'pass']);
  });

  it('refuses the override without a SEV0/SEV1 incident, accepts it with one: audited and in the timeline', async () => {
    const none = cli('deploy', '--target=staging', '--image=checkout:1.5.0', '--override-validation=checkout is down');
    assert.equal(none.code, 1, none.err);
    assert.match(none.err, /The validation override is refused: it needs a linked SEV0 or SEV1 incident, and none is open/);

    const sev2 = declare('sev2');
    const low = cli('deploy', '--target=staging', '--image=checkout:1.5.0', '--override-validation=checkout is down');
    assert.equal(low.code, 1, low.err);
    assert.match(low.err, new RegExp(`The validation override is refused: ${sev2} is SEV2; only a SEV0 or SEV1 incident`));
    assert.equal(await k.image(ns, 'checkout'), 'checkout:1.4.0');
    resolve(sev2);

    const sev1 = declare('sev1');
    const accepted = cli('deploy', '--target=staging', '--image=checkout:1.5.0', '--override-validation=checkout is down, the fix is one line');
    assert.equal(accepted.code, 0, accepted.err + accepted.out);
    assert.match(accepted.out, new RegExp(`warning: validation failed \\(unit\\); deploying anyway: overridden for ${sev1} \\(SEV1\\) by Ada Oncall <ada@example\\.com>`));
    assert.equal(await k.image(ns, 'checkout'), 'checkout:1.5.0');

    const override = auditRecords().filter((r) => r.action === 'validate.override');
    assert.equal(override.length, 1);
    assert.equal(override[0]?.actor, 'Ada Oncall <ada@example.com>');
    assert.deepEqual(
      { ...override[0]?.details, sha: typeof override[0]?.details?.['sha'] },
      { reason: 'checkout is down, the fix is one line', suite: 'ci', sha: 'string', failed: 'unit', incident: sev1, severity: 'SEV1' },
    );
    assert.equal(override[0]?.details?.['sha'], repo.sha('HEAD'));
    const events = timeline(sev1);
    const validated = events.find((e) => e.type === 'validated');
    assert.deepEqual([validated?.['suite'], validated?.['pass'], validated?.['target']], ['ci', false, 'staging']);
    const overridden = events.find((e) => e.type === 'validation-overridden');
    assert.deepEqual([overridden?.['suite'], overridden?.['target'], overridden?.['reason']], ['ci', 'staging', 'checkout is down, the fix is one line']);
    assert.ok(events.some((e) => e.type === 'deploy-succeeded'));
    resolve(sev1);
  });

  it('a passing validate is saved for HEAD and lets the next deploy through without running again', async () => {
    configure({ ci: [{ name: 'unit', run: passes }] });
    const validated = cli('validate', '--environment=staging', '--image=checkout:1.5.1');
    assert.equal(validated.code, 0, validated.err + validated.out);
    assert.match(validated.out, /Validation passed: suite ci for staging at [0-9a-f]{8}: 6 check\(s\) passed in \d+ ms; saved for deploy\./);
    const saved = JSON.parse(readFileSync(path.join(repo.work, '.git', 'hotfix', 'validate', 'staging.json'), 'utf8')) as { sha: string; suite: string; pass: boolean };
    assert.deepEqual([saved.sha, saved.suite, saved.pass], [repo.sha('HEAD'), 'ci', true]);
    const deployed = cli('deploy', '--target=staging', '--image=checkout:1.5.1');
    assert.equal(deployed.code, 0, deployed.err);
    assert.match(deployed.out, new RegExp(`validation: suite ci passed for ${repo.sha('HEAD').slice(0, 8)} at `));
    assert.doesNotMatch(deployed.out, /▶ unit/);
    assert.equal(await k.image(ns, 'checkout'), 'checkout:1.5.1');
  });

  it('a timeout stops the whole process tree: SIGTERM, then SIGKILL 3 s later for a command that ignores it', () => {
    const pids = path.join(repo.dir, 'pids.json');
    const stubborn = node(
      [
        'const { spawn } = require("child_process");',
        'const child = spawn(process.execPath, ["-e", "process.on(\'SIGTERM\', () => {}); setInterval(() => {}, 1000)"], { stdio: "ignore" });',
        'require("fs").writeFileSync(process.argv[1], JSON.stringify([process.pid, child.pid]));',
        'process.on("SIGTERM", () => console.log("SIGTERM ignored"));',
        'setInterval(() => {}, 1000);',
      ].join('\n'),
      pids,
    );
    configure({ ci: [{ name: 'unit', run: passes }], slow: [{ name: 'hang', run: stubborn, timeout: '1s' }, { name: 'after', run: passes }] });
    const started = Date.now();
    const run = plain('validate', '--test-suite=slow');
    const ms = Date.now() - started;
    assert.equal(run.code, 1, run.err);
    assert.match(run.out, /✗ step hang: timed out: stopped after \d+ ms \(timeout 1000 ms\) with SIGKILL/);
    assert.match(run.out, /– step after: not run: the suite stopped when hang timed out/);
    assert.match(run.out, /│ SIGTERM ignored/);
    assert.ok(ms >= 4000 && ms < 15_000, `SIGKILL came 3 s after SIGTERM (the run took ${ms} ms)`);
    const [command, grandchild] = JSON.parse(readFileSync(pids, 'utf8')) as [number, number];
    assert.equal(alive(command), false, 'the command is gone');
    assert.equal(alive(grandchild), false, 'the process it started is gone too');
  });

  it('refuses `run: "npm test; rm -rf /"` in the config with the argument-array message (exit 2: the config is wrong), running nothing', () => {
    writeFileSync(configFile(), ['validate:', '  ci:', '    - name: unit', '      run: "npm test; rm -rf /"', 'targets:', '  staging:', `    namespace: ${ns}`, '    app: checkout', '    validate: ci', ''].join('\n'));
    for (const refused of [cli('validate', '--environment=staging'), cli('deploy', '--target=staging', '--image=checkout:1.6.0')]) {
      assert.equal(refused.code, 2, refused.out);
      assert.match(refused.err, /\.hotfix\/config\.yaml:4:12: validate\.ci\.0\.run: must be an argument array such as \[npm, test\]: it runs without a shell, so ";", "\|", "&&" and other shell syntax are not interpreted \(found "npm test; rm -rf \/"\)/);
      assert.doesNotMatch(refused.out, /▶/);
    }
  });
});
