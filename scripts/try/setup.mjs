// @ts-check
// The sandbox's once-per-machine set-up, with its output folded: each set-up script's own step lines
// ("[build-kube] building the local cluster: step 2 of 5 …", "[setup-vscode-host] installing code-server")
// reach the terminal; everything else it and apt, npm or the Go compiler print goes to a log file under the
// sandbox's logs/ folder, whose end is shown if the script fails.
import { spawn } from 'node:child_process';
import { createWriteStream, existsSync, mkdirSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { findBinaries, kubeCacheDir, onPath } from '../../test/kube/cluster.mjs';
import { editorInstalled } from './editor.mjs';

const EXT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
export const BUILD_KUBE = path.join(EXT, 'test/kube/build-kube.sh');

/**
 * Runs a set-up script, its step lines to `say`, all its output to `logs/<name>.log`.
 * @param {string} script @param {{ logs: string, say: (line: string) => void, nice?: boolean }} o
 * @returns {Promise<void>}
 */
export function runFolded(script, o) {
  mkdirSync(o.logs, { recursive: true });
  const log = path.join(o.logs, `${path.basename(script, '.sh')}.log`);
  const file = createWriteStream(log, { flags: 'a' });
  const [command, args] = o.nice ? ['nice', ['-n', '15', 'bash', script]] : ['bash', [script]];
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    let pending = '';
    child.stdout.on('data', (chunk) => {
      file.write(chunk);
      pending += String(chunk);
      const lines = pending.split('\n');
      pending = lines.pop() ?? '';
      for (const line of lines) if (/^\[[\w-]+\] /.test(line)) o.say(line.replace(/^\[[\w-]+\] /, ''));
    });
    child.stderr.on('data', (chunk) => file.write(chunk));
    child.once('error', reject);
    child.once('exit', (code) => {
      file.end(() => {
        if (code === 0) return resolve();
        const tail = readFileSync(log, 'utf8').trimEnd().split('\n').slice(-15).map((l) => `    ${l}`).join('\n');
        reject(new Error(`${path.relative(EXT, script)} failed (exit ${code}); the end of ${log}:\n${tail}`));
      });
    });
  });
}

/** Whether build-kube.sh still has something to build. */
export const clusterBuilt = () =>
  findBinaries().missing.length === 0 && existsSync(path.join(kubeCacheDir(), 'gateway-api', 'gateway.networking.k8s.io_httproutes.yaml'));

/** build-kube.sh's own progress line while it builds (its `progress` file), if any. */
export function buildProgress() {
  try {
    return readFileSync(path.join(kubeCacheDir(), 'progress'), 'utf8').trim();
  } catch {
    return '';
  }
}

/** Prometheus and code-server, each once per machine (Debian's package; npm, compiling native modules). @param {{ logs: string, say: (line: string) => void }} o */
export async function ensureEditorParts(o) {
  for (const file of ['dist/extension.js', 'dist/cli.js']) {
    if (!existsSync(path.join(EXT, file))) throw new Error(`${file} is missing: run npm run build (npm run try does)`);
  }
  if (!onPath('prometheus')) {
    o.say('installing Prometheus once (Debian package, about 10 s)');
    await runFolded(path.join(EXT, 'test/prometheus/setup-prometheus.sh'), o);
  }
  if (!editorInstalled()) {
    o.say('installing code-server once (Chromium from Debian, Node 24 and code-server from npm: 2 to 4 minutes)');
    await runFolded(path.join(EXT, 'test/host/setup-vscode-host.sh'), o);
  }
}
