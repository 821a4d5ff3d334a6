// How a client-node call's failure reaches the engine: an API error becomes a ClusterRefusal with the
// server's own words and status, and a 404 on a read means "absent". Shared by the workload and
// autoscaler parts of the adapter.

import { ApiException } from '@kubernetes/client-node';
import { ClusterRefusal, isRefusal, type WriteOptions } from '../../core/deploy/ports';

export const dryRunOf = (options: WriteOptions) => (options.dryRun ? { dryRun: 'All' } : {});

export async function apiCall<T>(what: string, request: () => Promise<T>): Promise<T> {
  try {
    return await request();
  } catch (error) {
    if (error instanceof ApiException) {
      const body = parseBody(error.body);
      throw new ClusterRefusal(`${what}: ${body?.message ?? error.message}`, error.code, body?.reason);
    }
    throw error;
  }
}

export async function apiRead<T>(what: string, request: () => Promise<T>): Promise<T | undefined> {
  try {
    return await apiCall(what, request);
  } catch (error) {
    if (isRefusal(error, 404)) return undefined;
    throw error;
  }
}

function parseBody(body: unknown): { message?: string; reason?: string } | undefined {
  if (typeof body === 'string') {
    try {
      return JSON.parse(body) as { message?: string; reason?: string };
    } catch {
      return { message: body };
    }
  }
  return typeof body === 'object' && body !== null ? body : undefined;
}
