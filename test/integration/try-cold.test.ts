// `npm run try` on a machine whose cluster is not built yet: what the person sees while it builds.
// - The set-up scripts' progress (test/kube/progress.sh): one line per step, the commands' output in a log,
//   the line also in a file, a failure that names its step and shows the log's end. Driven with short
//   stand-in steps (sleep, echo, false): the real steps are a 15-minute compile.
// - The tool's own views of a target while the cluster is built: the sandbox's kubeconfig names a loopback
//   stand-in API server (scripts/try/cluster-status.mjs), not a cluster, which answers 503 with the status
//   line; the real CLI shows that line for each target, and the next one when it changes.

import assert from 'node:assert/strict';
import { execFile, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { promisify } from 'node:util';
import { importScript } from './fixtures/cluster';

const ROOT = path.resolve(__dirname, '../../..');
const CLI = path.join(ROOT, 'dist', 'cli.js');
const run = promisify(execFile);

describe('try-cold: the sandbox while its cluster is built', function () {
  this.timeout(60_000);
  let dir: string;
  before(() => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'hotfix-try-cold-'));
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('progress.sh (with stand-in steps): one line per step with the minutes left, the output in the log, the line in a file', () => {
    const script = path.join(dir, 'build-demo.sh');
    const file = path.join(dir, 'progress');
    const log = path.join(dir, 'build.log');
    writeFileSync(script, [
      'set -euo pipefail',
      `. ${JSON.stringify(path.join(ROOT, 'test/kube/progress.sh'))}`,
      `progress_plan "the demo" ${JSON.stringify(file)} "fetching:2" "compiling one:5" "compiling two:3"`,
      `progress_step 1; run_logged ${JSON.stringify(log)} bash -c 'echo apt says a lot; echo more noise'`,
      `progress_step 2; run_logged ${JSON.stringify(log)} bash -c 'cat ${file} > ${file}.seen; sleep 1'`,
      `progress_step 3; run_logged ${JSON.stringify(log)} bash -c "\${FAIL:-true}"`,
      'progress_done "the demo, built"',
      '',
    ].join('\n'));
    const ok = spawnSync('bash', [script], { encoding: 'utf8' });
    assert.equal(ok.status, 0, ok.stderr);
    const lines = ok.stdout.trimEnd().split('\n');
    assert.deepEqual(lines.slice(0, 3), [
      '[build-demo] building the demo: step 1 of 3 (fetching), about 10 minutes left',
      '[build-demo] building the demo: step 2 of 3 (compiling one), about 8 minutes left',
      // two compiling steps estimated at 8 minutes; the first took 1 s, so the second is scaled to half (the floor)
      '[build-demo] building the demo: step 3 of 3 (compiling two), about 2 minutes left',
    ]);
    assert.match(lines[3] ?? '', /^\[build-demo\] built in \d+s: the demo, built$/);
    assert.equal(lines.length, 4, 'nothing but the step lines');
    assert.doesNotMatch(ok.stdout, /apt says/);
    assert.match(readFileSync(log, 'utf8'), /apt says a lot\nmore noise/);
    assert.equal(readFileSync(`${file}.seen`, 'utf8'), 'building the demo: step 2 of 3 (compiling one), about 8 minutes left\n');
    assert.ok(!existsSync(file), 'the progress file is gone once built');

    const failed = spawnSync('bash', [script], { encoding: 'utf8', env: { ...process.env, FAIL: 'echo the compiler says why >&2; false' } });
    assert.equal(failed.status, 1);
    assert.match(failed.stderr, /^\[build-demo\] step 3 of 3 failed \(compiling two\): bash -c .*; the end of .*build\.log:\n {4}.*\n[^]* {4}the compiler says why\n$/m);
    assert.equal(readFileSync(file, 'utf8'), `building the demo failed at step 3 of 3 (compiling two); read ${log}\n`);
  });

  it('the CLI shows each target the build\'s progress, from a loopback stand-in API server (no cluster yet)', async () => {
    const repo = await importScript<{ ensureRepository(state: string, o: { namespace: string; prometheusUrl: string }): { work: string } }>('scripts/try/repo.mjs');
    const status = await importScript<{ startStandIn(kubeconfig: string, status: () => string): Promise<{ close(): Promise<unknown> }> }>('scripts/try/cluster-status.mjs');
    const { work } = repo.ensureRepository(path.join(dir, 'state'), { namespace: 'demo', prometheusUrl: 'http://127.0.0.1:9' });
    const kubeconfig = path.join(dir, 'state', 'cluster', 'kubeconfig');
    let line = 'building the local cluster: step 3 of 5 (compiling kube-apiserver), about 9 minutes left';
    const standIn = await status.startStandIn(kubeconfig, () => line);
    try {
      const targets = async () => {
        const result = await run(process.execPath, [CLI, 'targets', `--kubeconfig=${kubeconfig}`], { cwd: work }).catch((e: { code: number; stdout: string; stderr: string }) => e);
        return { code: 'code' in result ? result.code : 0, stdout: result.stdout, stderr: result.stderr };
      };
      const first = await targets();
      assert.equal(first.code, 1, first.stderr);
      for (const [target, app] of [['blue-green', 'checkout-blue'], ['canary', 'web'], ['rolling', 'api']]) {
        assert.match(first.stdout, new RegExp(`^${target} \\(${target}\\) context hotfix-test, namespace demo\\n  deployment demo/${app}: building the local cluster: step 3 of 5 \\(compiling kube-apiserver\\), about 9 minutes left$`, 'm'));
      }
      line = 'building the local cluster: step 5 of 5 (compiling kube-scheduler), about 1 minute left';
      assert.match((await targets()).stdout, /deployment demo\/api: building the local cluster: step 5 of 5 \(compiling kube-scheduler\), about 1 minute left/);
      // A deploy says the cluster does not answer, with the stand-in's words, and offers no way around a check.
      const deploy = await run(process.execPath, [CLI, 'deploy', '--target=rolling', '--image=api:1.4.1', '--incident=none', `--kubeconfig=${kubeconfig}`], { cwd: work }).catch((e: { code: number; stdout: string; stderr: string }) => e);
      assert.equal('code' in deploy ? deploy.code : 0, 1, deploy.stderr);
      assert.match(deploy.stderr, /^hotfix-deployer: Cannot reach the cluster of context hotfix-test \(https:\/\/127\.0\.0\.1:\d+\): .*building the local cluster: step 5 of 5/m);
      assert.doesNotMatch(deploy.stderr, /--ignore-gitops/);
    } finally {
      await standIn.close();
    }
  });
});
