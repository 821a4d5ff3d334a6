// @ts-check
// A real Prometheus for the tests (Debian's package, installed by test/prometheus/setup-prometheus.sh), on
// 127.0.0.1 with a free port, scraping static targets every second. It runs in its own process group, logs to
// DIR/prometheus.log and keeps its TSDB in DIR/data.
//
//   import { startPrometheus, query } from './prometheus.mjs';
//   const prom = await startPrometheus({ dir, targets: ['127.0.0.1:9100'] });
//   const data = await query(prom.url, 'up');   // { resultType: 'vector', result: [...] }
//   await prom.stop();
import { spawn } from 'node:child_process';
import { closeSync, mkdirSync, openSync, readFileSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { createServer } from 'node:net';
import * as path from 'node:path';

/**
 * @typedef {{ url: string, port: number, pid: number, dir: string, log: string, config: string, startupMs: number, stop(): Promise<void> }} PrometheusHandle
 * @typedef {{ dir: string, targets: string[], scrapeInterval?: string, job?: string, binary?: string, timeoutMs?: number, log?: (message: string) => void }} PrometheusOptions
 */

const sleep = (/** @type {number} */ ms) => new Promise((resolve) => setTimeout(resolve, ms));

/** A free TCP port on 127.0.0.1 (bound to 0, then released). */
function freePort() {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = /** @type {import('node:net').AddressInfo} */ (server.address());
      server.close(() => resolve(port));
    });
  });
}

/** @param {string} file @param {number} [lines] */
function tail(file, lines = 20) {
  try {
    return readFileSync(file, 'utf8').trimEnd().split('\n').slice(-lines).map((line) => `    ${line}`).join('\n');
  } catch {
    return '    (no log)';
  }
}

/** @param {number} pid */
function alive(pid) {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return /** @type {NodeJS.ErrnoException} */ (error).code === 'EPERM';
  }
}

/** @param {number} pid @param {NodeJS.Signals} signal */
function signalGroup(pid, signal) {
  try {
    process.kill(-pid, signal);
  } catch {
    try {
      process.kill(pid, signal);
    } catch {
      // already gone
    }
  }
}

/** Process groups of running Prometheus servers, killed synchronously if this process exits without stopping them. */
const live = new Set();
process.on('exit', () => {
  for (const pid of live) signalGroup(pid, 'SIGKILL');
});

/**
 * GET on Prometheus; resolves with the status and the body's text.
 * @param {string} url @param {number} [timeoutMs]
 * @returns {Promise<{ status: number, text: string }>}
 */
function get(url, timeoutMs = 5000) {
  return new Promise((resolve, reject) => {
    const req = request(url, { method: 'GET', timeout: timeoutMs, headers: { Accept: 'application/json' } }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (chunk) => (text += chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, text }));
    });
    req.on('timeout', () => req.destroy(new Error(`GET ${url} timed out after ${timeoutMs} ms`)));
    req.on('error', reject);
    req.end();
  });
}

/**
 * An instant query on /api/v1/query; resolves with the answer's `data` ({ resultType, result }).
 * @param {string} url @param {string} promql
 * @returns {Promise<{ resultType: string, result: any }>}
 */
export async function query(url, promql) {
  const { status, text } = await get(`${url.replace(/\/+$/, '')}/api/v1/query?query=${encodeURIComponent(promql)}`);
  /** @type {any} */
  let json;
  try {
    json = JSON.parse(text);
  } catch {
    throw new Error(`Prometheus answered HTTP ${status} with no JSON to ${promql}: ${text.slice(0, 300)}`);
  }
  if (status !== 200 || json.status !== 'success') {
    throw new Error(`Prometheus answered HTTP ${status} to ${promql}: ${json.errorType ?? ''} ${json.error ?? text.slice(0, 300)}`.trim());
  }
  return json.data;
}

/** @param {string} dir @param {string[]} targets @param {string} interval @param {string} job */
function writeConfig(dir, targets, interval, job) {
  const config = path.join(dir, 'prom.yml');
  // JSON strings are YAML strings.
  const q = JSON.stringify;
  writeFileSync(
    config,
    [
      'global:',
      `  scrape_interval: ${interval}`,
      `  evaluation_interval: ${interval}`,
      `  scrape_timeout: ${interval}`,
      'scrape_configs:',
      `  - job_name: ${q(job)}`,
      `    scrape_interval: ${interval}`,
      '    static_configs:',
      `      - targets: [${targets.map((t) => q(t)).join(', ')}]`,
      '',
    ].join('\n'),
  );
  return config;
}

/**
 * Starts Prometheus in `dir` (created if needed) and resolves once /-/ready answers 200.
 * @param {PrometheusOptions} options
 * @returns {Promise<PrometheusHandle>}
 */
export async function startPrometheus(options) {
  const dir = path.resolve(options.dir);
  const interval = options.scrapeInterval ?? '1s';
  const timeoutMs = options.timeoutMs ?? 60_000;
  const say = options.log ?? (() => {});
  mkdirSync(dir, { recursive: true });
  const config = writeConfig(dir, options.targets, interval, options.job ?? 'traffic');
  const log = path.join(dir, 'prometheus.log');
  const started = Date.now();

  for (let attempt = 1; ; attempt++) {
    const port = await freePort();
    const url = `http://127.0.0.1:${port}`;
    const fd = openSync(log, 'a');
    const child = spawn(options.binary ?? 'prometheus', [
      `--config.file=${config}`,
      `--storage.tsdb.path=${path.join(dir, 'data')}`,
      `--web.listen-address=127.0.0.1:${port}`,
      '--storage.tsdb.retention.time=1h',
      '--log.level=info',
    ], { detached: true, stdio: ['ignore', fd, fd] });
    closeSync(fd);
    /** @type {string | undefined} */
    let exit;
    /** @type {Error | undefined} */
    let spawnError;
    child.once('error', (error) => (spawnError = error));
    child.once('exit', (code, signal) => (exit = signal ? `signal ${signal}` : `code ${code}`));
    child.unref();
    const pid = child.pid;
    if (pid === undefined) {
      await sleep(0);
      throw new Error(`could not start prometheus: ${spawnError?.message ?? 'no pid'} (install it with: bash test/prometheus/setup-prometheus.sh)`);
    }
    live.add(pid);
    say(`prometheus (pid ${pid}) starting on ${url}, scraping ${options.targets.join(', ')} every ${interval}; log ${log}`);

    const stop = async () => {
      signalGroup(pid, 'SIGTERM');
      const deadline = Date.now() + 5000;
      while (exit === undefined && alive(pid) && Date.now() < deadline) await sleep(50);
      if (exit === undefined && alive(pid)) {
        signalGroup(pid, 'SIGKILL');
        const killDeadline = Date.now() + 3000;
        // A child of this process is reaped by node ('exit'); otherwise `kill -0` tells.
        while (exit === undefined && alive(pid) && Date.now() < killDeadline) await sleep(50);
      }
      if (exit === undefined && alive(pid)) throw new Error(`prometheus (pid ${pid}) still running after SIGKILL`);
      live.delete(pid);
    };

    const end = Date.now() + timeoutMs;
    /** @type {string} */
    let last;
    for (;;) {
      if (spawnError) {
        live.delete(pid);
        throw new Error(`could not start prometheus: ${spawnError.message} (install it with: bash test/prometheus/setup-prometheus.sh)`);
      }
      if (exit !== undefined) {
        live.delete(pid);
        const logTail = tail(log, 200);
        if (/address already in use/.test(logTail) && attempt < 3) break; // the port was taken between picking and binding
        throw new Error(`prometheus exited during start-up (${exit}); read ${log}:\n${tail(log)}`);
      }
      try {
        const { status } = await get(`${url}/-/ready`, 2000);
        if (status === 200) {
          const startupMs = Date.now() - started;
          say(`prometheus ready on ${url} in ${(startupMs / 1000).toFixed(1)}s`);
          return { url, port, pid, dir, log, config, startupMs, stop };
        }
        last = `HTTP ${status}`;
      } catch (error) {
        last = /** @type {Error} */ (error).message;
      }
      if (Date.now() > end) {
        await stop().catch(() => undefined);
        throw new Error(`timed out after ${timeoutMs / 1000}s waiting for prometheus /-/ready on ${url} (last: ${last}); read ${log}:\n${tail(log)}`);
      }
      await sleep(100);
    }
  }
}
