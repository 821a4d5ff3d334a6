// KubeRest, the adapters' transport to the Kubernetes API, against a real HTTP server on 127.0.0.1
// standing in for the API server (plain http, which a kubeconfig allows only with
// insecure-skip-tls-verify): what goes out (verb, path, query, content type, credentials) and what a
// reply becomes (the object, absent, a ClusterRefusal with the server's words, an Error that says
// which request got no answer). The real API server is the integration tests' (test/integration).

import assert from 'node:assert/strict';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { KubeConfig } from '@kubernetes/client-node/dist/config.js';
import { isRefusal } from '../../src/core/deploy/ports';
import { KubeRest, resourcePath } from '../../src/adapters/kube/rest';

interface Seen {
  readonly method: string;
  readonly url: string;
  readonly headers: IncomingMessage['headers'];
  readonly body: string;
}

type Reply = (res: ServerResponse) => void;

function kubeconfig(server: string): KubeConfig {
  const kc = new KubeConfig();
  kc.loadFromOptions({
    clusters: [{ name: 'local', server, skipTLSVerify: true }],
    users: [{ name: 'me', token: 'secret-token' }],
    contexts: [{ name: 'local', cluster: 'local', user: 'me' }],
    currentContext: 'local',
  });
  return kc;
}

describe('KubeRest: the Kubernetes API as JSON over HTTP (a real server on 127.0.0.1)', () => {
  let server: Server;
  let base = '';
  const seen: Seen[] = [];
  let reply: Reply = (res) => res.end();

  before(async () => {
    server = createServer((req, res) => {
      let body = '';
      req.on('data', (chunk: Buffer) => (body += chunk.toString()));
      req.on('end', () => {
        seen.push({ method: req.method ?? '', url: req.url ?? '', headers: req.headers, body });
        reply(res);
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });

  after(async () => {
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });

  beforeEach(() => {
    seen.length = 0;
  });

  const json = (status: number, value: unknown): Reply => (res) => {
    res.writeHead(status, { 'content-type': 'application/json' });
    res.end(JSON.stringify(value));
  };

  it('GETs the path with the query and the kubeconfig user\'s token, and returns the object as sent', async () => {
    reply = json(200, { items: [{ metadata: { name: 'web-6d4cf56db6', creationTimestamp: '2026-12-06T10:00:00Z' } }] });
    const rest = new KubeRest(kubeconfig(base));
    const path = resourcePath('apps/v1', 'replicasets', { namespace: 'shop' });
    const list = await rest.call<{ items: { metadata: { creationTimestamp: unknown } }[] }>('replicasets of web', path, { query: { labelSelector: 'app=web,track=stable', unused: undefined } });
    assert.equal(list.items[0]?.metadata.creationTimestamp, '2026-12-06T10:00:00Z', 'times stay the strings the server sent');
    assert.equal(seen[0]?.method, 'GET');
    assert.equal(seen[0]?.url, '/apis/apps/v1/namespaces/shop/replicasets?labelSelector=app%3Dweb%2Ctrack%3Dstable');
    assert.equal(seen[0]?.headers.authorization, 'Bearer secret-token');
    assert.equal(seen[0]?.headers.accept, 'application/json');
  });

  it('sends a patch with its content type, as a dry run when asked, under the server URL\'s own path', async () => {
    reply = json(200, { metadata: { name: 'web' } });
    const rest = new KubeRest(kubeconfig(`${base}/k8s/clusters/c-42/`));
    const kinds = { strategic: 'application/strategic-merge-patch+json', merge: 'application/merge-patch+json', json: 'application/json-patch+json' } as const;
    for (const [patch, type] of Object.entries(kinds) as [keyof typeof kinds, string][]) {
      await rest.call('patch deployment shop/web', resourcePath('apps/v1', 'deployments', { namespace: 'shop', name: 'web' }), { patch, body: { spec: { replicas: 3 } }, dryRun: patch === 'merge' });
      const request = seen.at(-1);
      assert.equal(request?.method, 'PATCH');
      assert.equal(request?.headers['content-type'], type);
      assert.equal(request?.url, `/k8s/clusters/c-42/apis/apps/v1/namespaces/shop/deployments/web${patch === 'merge' ? '?dryRun=All' : ''}`);
      assert.deepEqual(JSON.parse(request?.body ?? ''), { spec: { replicas: 3 } });
    }
  });

  it('encodes each name in the path, and puts the core group under /api', () => {
    assert.equal(resourcePath('v1', 'configmaps', { namespace: 'ops', name: 'hotfix-incident-inc-1' }), '/api/v1/namespaces/ops/configmaps/hotfix-incident-inc-1');
    assert.equal(resourcePath('argoproj.io/v1alpha1', 'rollouts', { namespace: 'shop', name: 'a/b?c', subresource: 'status' }), '/apis/argoproj.io/v1alpha1/namespaces/shop/rollouts/a%2Fb%3Fc/status');
    assert.equal(resourcePath('v1', 'namespaces', { name: 'shop' }), '/api/v1/namespaces/shop');
  });

  it('a refusal is a ClusterRefusal with the server\'s message, status and reason', async () => {
    reply = json(409, { kind: 'Status', status: 'Failure', message: 'Operation cannot be fulfilled on leases.coordination.k8s.io "hotfix-deployer-lock-web": the object has been modified', reason: 'Conflict', code: 409 });
    const rest = new KubeRest(kubeconfig(base));
    await assert.rejects(rest.call('lock shop/web', resourcePath('coordination.k8s.io/v1', 'leases', { namespace: 'shop', name: 'hotfix-deployer-lock-web' }), { method: 'PUT', body: {} }), (error: unknown) => {
      assert.ok(isRefusal(error, 409), String(error));
      assert.equal(error.reason, 'Conflict');
      assert.equal(error.message, 'lock shop/web: Operation cannot be fulfilled on leases.coordination.k8s.io "hotfix-deployer-lock-web": the object has been modified');
      return true;
    });
  });

  it('a proxy\'s page instead of a Status is the refusal\'s text; a 404 read is absent', async () => {
    reply = (res) => {
      res.writeHead(502, { 'content-type': 'text/html' });
      res.end('<html>Bad Gateway</html>\n');
    };
    const rest = new KubeRest(kubeconfig(base));
    await assert.rejects(rest.call('deployment shop/web', '/apis/apps/v1/namespaces/shop/deployments/web'), (error: unknown) => isRefusal(error, 502) && error.message === 'deployment shop/web: <html>Bad Gateway</html>');
    reply = json(404, { kind: 'Status', message: 'deployments.apps "web" not found', reason: 'NotFound', code: 404 });
    assert.equal(await rest.read('deployment shop/web', '/apis/apps/v1/namespaces/shop/deployments/web'), undefined);
    reply = json(403, { kind: 'Status', message: 'forbidden', reason: 'Forbidden', code: 403 });
    await assert.rejects(rest.read('deployment shop/web', '/apis/apps/v1/namespaces/shop/deployments/web'), (error: unknown) => isRefusal(error, 403));
  });

  it('a server that never answers is given up after the timeout, saying which request', async () => {
    reply = () => undefined; // the request is read, no reply ever comes
    const rest = new KubeRest(kubeconfig(base), 300);
    const started = Date.now();
    await assert.rejects(rest.call('deployment shop/web', '/apis/apps/v1/namespaces/shop/deployments/web'), (error: unknown) => {
      assert.ok(!isRefusal(error), 'no answer is not a refusal');
      assert.match(String((error as Error).message), /^deployment shop\/web: GET http:\/\/127\.0\.0\.1:\d+\/apis\/apps\/v1\/namespaces\/shop\/deployments\/web failed: no answer within 0\.3 s$/);
      return true;
    });
    assert.ok(Date.now() - started < 1500, 'given up at the timeout, not later');
  });

  it('a closed port is an Error naming the request, never a refusal', async () => {
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const port = (closed.address() as AddressInfo).port;
    await new Promise<void>((resolve) => closed.close(() => resolve()));
    const rest = new KubeRest(kubeconfig(`http://127.0.0.1:${port}`));
    await assert.rejects(rest.call('namespace shop', resourcePath('v1', 'namespaces', { name: 'shop' })), (error: unknown) => {
      assert.ok(!isRefusal(error));
      assert.match(String((error as Error).message), new RegExp(`^namespace shop: GET http://127\\.0\\.0\\.1:${port}/api/v1/namespaces/shop failed: connect ECONNREFUSED`));
      return true;
    });
  });
});
