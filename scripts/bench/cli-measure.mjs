// @ts-check
// The timed pieces of the CLI bench (scripts/bench/cli.mjs): one whole process with its wall time and
// peak memory, the bare git that does `status`'s work, and a logging relay in front of the test
// cluster's API server that notes when the first write arrives.
import { execFile, execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import * as https from 'node:https';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { promisify } from 'node:util';

const execFileAsync = promisify(execFile);
const MAX_BUFFER = 64 * 1024 * 1024;
/** GNU time: the peak resident set of the process it runs (%M, KiB), written to a file so stderr stays the command's. */
const TIME = '/usr/bin/time';
const hasTime = existsSync(TIME) && (() => {
  try {
    execFileSync(TIME, ['-f', '%M', 'true'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
})();
const RELEASE = /^v\d+\.\d+\.\d+$/;

/** @param {bigint} start @param {bigint} [end] */
export const since = (start, end = process.hrtime.bigint()) => Number(end - start) / 1e6;

/** Whether peak memory is measured (GNU time at /usr/bin/time; Debian's `time` package). */
export const measuresMemory = hasTime;

/** Processes in flight, killed by pid if the bench is interrupted. @type {Set<import('node:child_process').ChildProcess>} */
const children = new Set();
export function killChildren() {
  for (const child of children) child.kill('SIGTERM');
}

/**
 * One whole process, from spawn to exit: wall time (ms from `start`, the moment before spawn) and peak
 * resident memory (KiB, through GNU time when there is one: the same small wrapper around every measure).
 * Rejects when it exits non-zero.
 * @param {string[]} argv @param {{ cwd?: string, env?: NodeJS.ProcessEnv }} [options]
 * @returns {Promise<{ ms: number, start: bigint, rssKiB: number, stdout: string, stderr: string }>}
 */
export function runProcess(argv, options = {}) {
  const dir = hasTime ? mkdtempSync(path.join(tmpdir(), 'hotfix-bench-time-')) : undefined;
  const rssFile = dir ? path.join(dir, 'rss') : '';
  const [file, ...args] = dir ? [TIME, '-f', '%M', '-o', rssFile, ...argv] : argv;
  return new Promise((resolve, reject) => {
    const start = process.hrtime.bigint();
    const child = execFile(/** @type {string} */ (file), args, { cwd: options.cwd, env: options.env ?? process.env, maxBuffer: MAX_BUFFER, encoding: 'utf8' }, (error, stdout, stderr) => {
      const ms = since(start);
      children.delete(child);
      let rssKiB = NaN;
      if (dir) {
        try {
          rssKiB = Number(readFileSync(rssFile, 'utf8').trim().split('\n').pop());
        } catch {
          // GNU time writes nothing when the command could not start: the error below says why.
        }
        rmSync(dir, { recursive: true, force: true });
      }
      if (error) reject(new Error(`${argv.join(' ')}: ${error.message}\n${stdout}\n${stderr}`));
      else resolve({ ms, start, rssKiB, stdout: String(stdout), stderr: String(stderr) });
    });
    children.add(child);
  });
}

/**
 * What `status` answers, with the bare git a person would type, one command after another: the production
 * branch's commit, the newest release tag merged into it (version order) with its commit and date, and
 * the hotfix branches, local and remote. @param {{ work: string, production: string }} fixture
 */
export async function bareGitStatus(fixture) {
  const options = { cwd: fixture.work, maxBuffer: MAX_BUFFER };
  const start = process.hrtime.bigint();
  await execFileAsync('git', ['rev-parse', '--verify', fixture.production], options);
  const tags = await execFileAsync('git', ['tag', '--list', '--merged', fixture.production, '--sort=-v:refname'], options);
  const release = tags.stdout.split('\n').find((name) => RELEASE.test(name));
  if (release === undefined) throw new Error('bare git: no release tag reachable from production');
  await execFileAsync('git', ['log', '-1', '--format=%H %cI', release], options);
  await execFileAsync('git', ['for-each-ref', '--format=%(refname:short)', 'refs/heads/hotfix/', 'refs/remotes/origin/hotfix/'], options);
  return { ms: since(start) };
}

/**
 * A logging relay in front of the test cluster's API server, for `deploy` and the extension: it serves TLS
 * with the API server's own certificate (valid for 127.0.0.1, signed by the kubeconfig's CA, so clients
 * trust it unchanged) and forwards every request, token and all, over HTTPS. It notes when each request
 * arrives, and when the first write (POST, PUT, PATCH or DELETE, not a dry run) does. `kubeconfig` is a
 * copy of the cluster's pointing at it.
 * @param {{ dir: string, server: string, kubeconfig: string, caFile: string }} cluster @param {string} folder
 */
export async function startWriteRelay(cluster, folder) {
  const target = new URL(cluster.server);
  const ca = readFileSync(cluster.caFile);
  const upstream = new https.Agent({ keepAlive: true, ca });
  /** @type {{ at: bigint | undefined, requests: number, before: number, arrivals: number[] }} */
  const state = { at: undefined, requests: 0, before: 0, arrivals: [] };
  const server = https.createServer({ cert: readFileSync(path.join(cluster.dir, 'pki', 'apiserver.crt')), key: readFileSync(path.join(cluster.dir, 'pki', 'apiserver.key')) }, (req, res) => {
    const now = process.hrtime.bigint();
    state.arrivals.push(performance.timeOrigin + performance.now());
    state.requests += 1;
    const write = ['POST', 'PUT', 'PATCH', 'DELETE'].includes(req.method ?? '') && !/[?&]dryRun=/.test(req.url ?? '');
    if (write && state.at === undefined) {
      state.at = now;
      state.before = state.requests - 1;
    }
    const forward = https.request({ host: target.hostname, port: target.port, method: req.method, path: req.url, headers: req.headers, agent: upstream }, (answer) => {
      res.writeHead(answer.statusCode ?? 502, answer.headers);
      answer.pipe(res);
    });
    forward.on('error', (error) => {
      res.writeHead(502, { 'content-type': 'text/plain' });
      res.end(`relay: ${error.message}`);
    });
    req.pipe(forward);
  });
  /** @type {Set<import('node:net').Socket>} */
  const sockets = new Set();
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve(undefined));
  });
  const port = /** @type {import('node:net').AddressInfo} */ (server.address()).port;
  const kubeconfig = path.join(folder, 'kubeconfig-relay');
  const text = readFileSync(cluster.kubeconfig, 'utf8');
  if (!text.includes(JSON.stringify(cluster.server))) throw new Error(`${cluster.kubeconfig} does not name ${cluster.server}`);
  writeFileSync(kubeconfig, text.replace(JSON.stringify(cluster.server), JSON.stringify(`https://127.0.0.1:${port}`)), { mode: 0o600 });
  return {
    kubeconfig,
    reset() {
      state.at = undefined;
      state.requests = 0;
      state.before = 0;
      state.arrivals = [];
    },
    /** ms from `wall` (a wall-clock time, performance.timeOrigin + performance.now() in any process) to the first request after it. @param {number} wall */
    firstRequestAfter: (wall) => (state.arrivals.find((t) => t >= wall) ?? NaN) - wall,
    /** ms from `start` to the first write, and how many requests came before it. @param {bigint} start */
    firstWrite: (start) => ({ ms: state.at === undefined ? NaN : since(start, state.at), before: state.before }),
    close: () =>
      /** @type {Promise<void>} */ (new Promise((resolve) => {
        for (const socket of sockets) socket.destroy();
        upstream.destroy();
        server.close(() => resolve());
      })),
  };
}
