// `npm run try`'s sandbox, end to end: `node scripts/try/run.mjs --check` with its state in a temp folder
// (--cache), reusing the built kube binaries and code-server of the normal cache. It starts the cluster with
// the demo apps, the traffic service, Prometheus and code-server, checks each answers, prints OK and stops.
// Then the same with a signal: started for real, SIGTERM stops everything and exits 0.

import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

const ROOT = path.resolve(__dirname, '../../..');
const RUN = path.join(ROOT, 'scripts/try/run.mjs');
const USER_KUBECONFIG = path.join(os.homedir(), '.kube', 'config');

interface Run {
  code: number | null;
  out: string;
  err: string;
}

function start(args: string[], onErr?: (text: string, child: ReturnType<typeof spawn>) => void): Promise<Run> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [RUN, ...args], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => (out += chunk));
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => {
      err += chunk;
      if (process.env.VERBOSE === '1') process.stderr.write(chunk);
      onErr?.(err, child);
    });
    child.once('error', reject);
    child.once('exit', (code) => resolve({ code, out, err }));
  });
}

const stamp = (file: string): string => (existsSync(file) ? `${statSync(file).mtimeMs}:${statSync(file).size}` : 'absent');

describe('try: the npm run try sandbox', function () {
  // Warm caches: well under 90 s. A cold machine builds the cluster and code-server first (minutes).
  this.timeout(15 * 60_000);
  let cache: string;
  before(() => {
    cache = mkdtempSync(path.join(os.tmpdir(), 'hotfix-try-'));
  });
  after(() => rmSync(cache, { recursive: true, force: true }));

  it('try: --check starts everything, finds it answering, prints OK and stops', async () => {
    const kubeBefore = stamp(USER_KUBECONFIG);
    const started = Date.now();
    const run = await start(['--check', `--cache=${cache}`]);
    const seconds = (Date.now() - started) / 1000;
    assert.equal(run.code, 0, `exit ${run.code}\n${run.err}\n${run.out}`);
    assert.match(run.out, /^OK: editor http:\/\/127\.0\.0\.1:\d+, cluster https:\/\/127\.0\.0\.1:\d+ \(namespace demo available\), Prometheus http:\/\/127\.0\.0\.1:\d+/m);
    assert.match(run.err, /the workbench shows the Hotfix view/);
    assert.match(run.err, /\] stopped$/m);
    const config = readFileSync(path.join(cache, 'checkout', '.hotfix', 'config.yaml'), 'utf8');
    for (const target of ['rolling:', 'blue-green:', 'canary:']) assert.ok(config.includes(`\n  ${target}`), `target ${target} in config.yaml`);
    assert.match(config, /prometheus: \{ url: "http:\/\/127\.0\.0\.1:\d+" \}/);
    // machine scoped: code-server's (remote) extension host reads it from the Machine settings only
    const settings = JSON.parse(readFileSync(path.join(cache, 'editor', 'user-data', 'Machine', 'settings.json'), 'utf8')) as Record<string, unknown>;
    assert.equal(settings['hotfixDeployer.kubeconfig'], path.join(cache, 'cluster', 'kubeconfig'));
    assert.equal(stamp(USER_KUBECONFIG), kubeBefore, '~/.kube/config is untouched');
    if (process.env.VERBOSE === '1') process.stderr.write(`[try] --check in ${seconds.toFixed(1)}s\n`);
  });

  it('try: reuses the repository, prints the guide, and SIGTERM stops everything', async () => {
    let editorUrl = '';
    let signalled = false;
    const run = await start([`--cache=${cache}`], (err, child) => {
      if (!signalled && /ready in [\d.]+s; Ctrl-C to stop everything/.test(err)) {
        signalled = true;
        editorUrl = /code-server ready on (http:\/\/127\.0\.0\.1:\d+)/.exec(err)?.[1] ?? '';
        child.kill('SIGTERM');
      }
    });
    assert.equal(run.code, 0, `exit ${run.code}\n${run.err}`);
    assert.ok(signalled, `never ready:\n${run.err}`);
    assert.match(run.err, /reusing the demo repository/);
    assert.match(run.out, /deploy --target=canary --image=web-broken:2\.0 --kubeconfig=/);
    assert.match(run.out, /Hotfix: Declare Incident/);
    assert.match(run.err, /\] stopped$/m);
    assert.ok(editorUrl, 'the editor address was printed');
    await assert.rejects(fetch(`${editorUrl}/healthz`), 'code-server is stopped');
  });
});
