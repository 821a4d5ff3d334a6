// The Kubernetes API as JSON over HTTPS. client-node's KubeConfig says what a kubeconfig means (the
// server, its CA, client certificates, tokens, exec and auth-provider plugins, proxy-url, impersonation);
// the requests are plain: a path, a verb, a JSON body, and the object the server sent back as it sent it.
// client-node's generated API classes and model layer (1.2 MB of the 1.6 MB bundle, and a conversion
// of every response) are not loaded at all: a rollback reads and writes a handful of objects.
//
// A reply that is not 2xx becomes a ClusterRefusal with the server's own message, HTTP status and
// reason; a request that never got a reply (no route, refused, TLS) an Error saying which request.

import * as http from 'node:http';
import * as https from 'node:https';
import type { KubeConfig } from '@kubernetes/client-node';
import { ClusterRefusal, isRefusal, type WriteOptions } from '../../core/deploy/ports';

export type PatchType = 'strategic' | 'merge' | 'json';

const PATCH_CONTENT: Readonly<Record<PatchType, string>> = {
  strategic: 'application/strategic-merge-patch+json',
  merge: 'application/merge-patch+json',
  json: 'application/json-patch+json',
};

export interface RestCall {
  readonly method?: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  readonly query?: Readonly<Record<string, string | undefined>>;
  readonly body?: unknown;
  /** A PATCH's kind: its content type. */
  readonly patch?: PatchType;
  /** `dryRun=All`: the server admits and validates the write, and stores nothing. */
  readonly dryRun?: boolean;
}

/** `WriteOptions` as a call's part. */
export const dryRunOf = (options: WriteOptions): Pick<RestCall, 'dryRun'> => (options.dryRun ? { dryRun: true } : {});

/**
 * The path of a resource or a collection: `/api/v1/namespaces/shop/services/web` for the core group
 * (`v1`), `/apis/apps/v1/namespaces/shop/deployments/web` for the others. Each segment is encoded.
 */
export function resourcePath(apiVersion: string, plural: string, where: { readonly namespace?: string; readonly name?: string; readonly subresource?: string } = {}): string {
  const segments = [apiVersion === 'v1' ? 'api' : 'apis', ...apiVersion.split('/')];
  if (where.namespace !== undefined) segments.push('namespaces', where.namespace);
  segments.push(plural);
  if (where.name !== undefined) segments.push(where.name);
  if (where.subresource !== undefined) segments.push(where.subresource);
  return `/${segments.map((s, i) => (i < 3 ? s : encodeURIComponent(s))).join('/')}`;
}

/** How long a request may wait on a silent connection: an API server that stopped answering, a VPN gone. */
export const REQUEST_TIMEOUT_MS = 30_000;

export class KubeRest {
  constructor(
    private readonly kc: KubeConfig,
    private readonly timeoutMs = REQUEST_TIMEOUT_MS,
  ) {
    reuseConnections(kc);
  }

  /** The reply's object (undefined for an empty reply); a refusal throws ClusterRefusal. */
  async call<T>(what: string, path: string, call: RestCall = {}): Promise<T> {
    const server = this.kc.getCurrentCluster()?.server;
    if (!server) throw new Error(`${what}: the kube context names no cluster server`);
    // A server URL may carry a path of its own (a proxy in front of several clusters).
    const url = new URL(`${server.replace(/\/+$/, '')}${path}`);
    for (const [key, value] of Object.entries(call.query ?? {})) if (value !== undefined) url.searchParams.set(key, value);
    if (call.dryRun) url.searchParams.set('dryRun', 'All');
    const options: https.RequestOptions = {};
    // Credentials (an exec plugin's token is asked each time: it renews itself), the CA, client
    // certificates and the agent, kept alive, or through the cluster's proxy-url.
    await this.kc.applyToHTTPSOptions(options);
    const body = call.body === undefined ? undefined : Buffer.from(JSON.stringify(call.body));
    const headers: Record<string, string> = { ...(options.headers as Record<string, string> | undefined), accept: 'application/json' };
    if (body) {
      headers['content-type'] = call.patch ? PATCH_CONTENT[call.patch] : 'application/json';
      headers['content-length'] = String(body.length);
    }
    const request = {
      method: call.method ?? (call.patch ? 'PATCH' : 'GET'),
      headers,
      ...(options.agent !== undefined ? { agent: options.agent } : {}),
      ...(options.auth ? { auth: options.auth } : {}),
    };
    return new Promise<T>((resolve, reject) => {
      const req = (url.protocol === 'http:' ? http : https).request(url, request, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('error', (error) => reject(new Error(`${what}: ${error.message}`, { cause: error })));
        res.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8');
          const status = res.statusCode ?? 0;
          if (status < 200 || status > 299) return reject(refusal(what, status, text));
          try {
            resolve((text === '' ? undefined : JSON.parse(text)) as T);
          } catch {
            reject(new Error(`${what}: the server at ${url.origin} answered ${status} with something that is not JSON`));
          }
        });
      });
      req.on('error', (error) => reject(new Error(`${what}: ${request.method} ${url.origin}${url.pathname} failed: ${error.message}`, { cause: error })));
      // Silent that long (no connection, no reply, a reply that stopped): given up, the socket closed.
      req.setTimeout(this.timeoutMs, () => req.destroy(new Error(`no answer within ${this.timeoutMs / 1000} s`)));
      req.end(body);
    });
  }

  /** As `call`, with a 404 read as absent. */
  async read<T>(what: string, path: string, call: RestCall = {}): Promise<T | undefined> {
    try {
      return await this.call<T>(what, path, call);
    } catch (error) {
      if (isRefusal(error, 404)) return undefined;
      throw error;
    }
  }
}

/** A list's items. */
export interface KubeList<T> {
  readonly items: T[];
}

function refusal(what: string, status: number, text: string): ClusterRefusal {
  let reason: string | undefined;
  let message = text.trim() === '' ? `HTTP ${status}` : text.trim();
  try {
    const parsed = JSON.parse(text) as { message?: unknown; reason?: unknown };
    if (typeof parsed.message === 'string') message = parsed.message;
    if (typeof parsed.reason === 'string') reason = parsed.reason;
  } catch {
    // not a Status: the text itself (a proxy's page, say), as the server sent it
  }
  return new ClusterRefusal(`${what}: ${message}`, status, reason);
}

/**
 * client-node builds a new https.Agent for every request, so each call would pay a TCP and TLS
 * handshake (measured: a PATCH 22 ms cold vs 13 ms on a kept connection). One keep-alive agent per
 * cluster and user is kept instead; idle sockets do not hold a CLI process open (the agent unrefs them).
 */
function reuseConnections(kc: KubeConfig): void {
  const target = kc as unknown as { createAgent(cluster: unknown, options: Record<string, unknown>): unknown; __hotfixAgents?: Map<string, unknown> };
  if (target.__hotfixAgents) return;
  const agents = new Map<string, unknown>();
  const create = target.createAgent.bind(kc);
  target.__hotfixAgents = agents;
  target.createAgent = (cluster, options) => {
    const key = `${kc.getCurrentCluster()?.name ?? ''}\u0000${kc.getCurrentUser()?.name ?? ''}`;
    let agent = agents.get(key);
    if (agent === undefined) {
      agent = create(cluster, { ...options, keepAlive: true });
      agents.set(key, agent);
    }
    return agent;
  };
}
