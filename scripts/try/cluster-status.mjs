// @ts-check
// While the sandbox's cluster is still being built, the editor is already open: this says where the cluster
// stands, in the editor's own views and in a terminal of the editor.
// - The status: one line, kept in a file ("building the local cluster: step 3 of 5 (compiling
//   kube-apiserver), about 9 minutes left", then "starting the local cluster", then "the local cluster is up").
// - The views: until the cluster is up, the sandbox's kubeconfig names a loopback stand-in that answers every
//   request as an API server that cannot serve yet does: HTTP 503 with a Kubernetes Status whose message is
//   the status line. The Deployments view shows that message on each target; once the cluster is up, the
//   kubeconfig names the real API server.
// - The terminal: a task of the demo repository that runs when the folder opens (cluster-progress.mjs) and
//   follows the status line until the cluster is up.
import { execFile } from 'node:child_process';
import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:https';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

const here = path.dirname(fileURLToPath(import.meta.url));
const execFileAsync = promisify(execFile);

/** The status line, in a file others read. @param {string} file */
export function statusFile(file) {
  mkdirSync(path.dirname(file), { recursive: true });
  let last = '';
  return {
    file,
    /** @param {string} line */
    set(line) {
      if (line === last) return;
      last = line;
      writeFileSync(`${file}.tmp`, `${line}\n`);
      renameSync(`${file}.tmp`, file);
    },
    get: () => last,
  };
}

/**
 * The stand-in API server on 127.0.0.1 and a kubeconfig naming it, written at `kubeconfig` (the path the
 * real cluster's kubeconfig later takes). HTTPS with its own self-signed certificate, named in the
 * kubeconfig as its authority, as a real cluster's is (the tool refuses plain HTTP without skipping TLS
 * verification, rightly). @param {string} kubeconfig @param {() => string} status
 */
export async function startStandIn(kubeconfig, status) {
  const pki = path.join(path.dirname(kubeconfig), 'stand-in');
  mkdirSync(pki, { recursive: true });
  const [key, cert] = [path.join(pki, 'tls.key'), path.join(pki, 'tls.crt')];
  await execFileAsync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', key, '-out', cert, '-days', '2',
    '-subj', '/CN=hotfix-try-stand-in', '-addext', 'subjectAltName=IP:127.0.0.1']);
  const server = createServer({ key: readFileSync(key), cert: readFileSync(cert) }, (req, res) => {
    req.resume();
    const body = JSON.stringify({
      kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', reason: 'ServiceUnavailable', code: 503,
      message: status(),
    });
    res.writeHead(503, { 'Content-Type': 'application/json', 'Retry-After': '10' });
    res.end(body);
  });
  await new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve(undefined));
  });
  const { port } = /** @type {import('node:net').AddressInfo} */ (server.address());
  mkdirSync(path.dirname(kubeconfig), { recursive: true });
  writeFileSync(kubeconfig, [
    'apiVersion: v1',
    'kind: Config',
    `clusters: [{name: hotfix-test, cluster: {server: "https://127.0.0.1:${port}", certificate-authority: ${JSON.stringify(cert)}}}]`,
    'users: [{name: hotfix-test-admin, user: {token: still-building}}]',
    'contexts: [{name: hotfix-test, context: {cluster: hotfix-test, user: hotfix-test-admin, namespace: default}}]',
    'current-context: hotfix-test',
    '',
  ].join('\n'), { mode: 0o600 });
  return { port, close: () => new Promise((resolve) => { server.closeAllConnections(); server.close(() => resolve(undefined)); }) };
}

/**
 * The demo repository's task that opens a terminal in the editor following the status line. Kept out of
 * git's view (.git/info/exclude): the demo's history stays the demo's.
 * @param {string} work the demo repository @param {string} file the status file
 */
export function progressTask(work, file) {
  mkdirSync(path.join(work, '.vscode'), { recursive: true });
  const task = {
    version: '2.0.0',
    tasks: [{
      label: 'Hotfix Deployer sandbox: local cluster',
      type: 'process',
      command: process.execPath,
      args: [path.join(here, 'cluster-progress.mjs'), file],
      runOptions: { runOn: 'folderOpen' },
      presentation: { reveal: 'always', panel: 'dedicated', focus: false, clear: true },
      problemMatcher: [],
    }],
  };
  writeFileSync(path.join(work, '.vscode', 'tasks.json'), `${JSON.stringify(task, null, 2)}\n`);
  const exclude = path.join(work, '.git', 'info', 'exclude');
  let current = '';
  try { current = readFileSync(exclude, 'utf8'); } catch { /* none yet */ }
  if (!current.split('\n').includes('/.vscode/')) {
    mkdirSync(path.dirname(exclude), { recursive: true });
    writeFileSync(exclude, `${current}${current && !current.endsWith('\n') ? '\n' : ''}/.vscode/\n`);
  }
}
