// @ts-check
// Polling until something holds, for scripts around the test cluster (the sandbox, the benchmarks):
// a probe that throws counts as not yet, and the last error is named when time runs out.

/**
 * @param {string} what for the timeout message: "timed out after 30s waiting for <what>"
 * @param {() => Promise<unknown>} probe truthy when done
 * @param {{ timeoutMs?: number, intervalMs?: number }} [options] default 60 s, every 250 ms
 */
export async function waitFor(what, probe, { timeoutMs = 60_000, intervalMs = 250 } = {}) {
  const end = Date.now() + timeoutMs;
  let last = '';
  for (;;) {
    try {
      if (await probe()) return;
    } catch (error) {
      last = /** @type {Error} */ (error).message;
    }
    if (Date.now() > end) throw new Error(`timed out after ${timeoutMs / 1000}s waiting for ${what}${last ? ` (${last})` : ''}`);
    await new Promise((r) => setTimeout(r, intervalMs));
  }
}

/**
 * Waits for a new namespace's `default` ServiceAccount, which the controller manager creates a moment after
 * the namespace: until then the apiserver rejects pods that would run as it.
 * @param {import('@kubernetes/client-node').CoreV1Api} core @param {string} namespace
 */
export function defaultServiceAccount(core, namespace) {
  return waitFor(`the default ServiceAccount of namespace ${namespace}`,
    () => core.readNamespacedServiceAccount({ name: 'default', namespace }), { timeoutMs: 30_000, intervalMs: 100 });
}
