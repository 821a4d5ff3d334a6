// A counting TCP relay in front of the test cluster's API server, for the extension-host suite: the
// extension host gets a kubeconfig whose server is this relay, so a host test can tell whether the
// extension reached the cluster at all (issue #8: activation makes no Kubernetes request). TLS
// passes through untouched (the relay listens on 127.0.0.1 too, so the server certificate still
// matches); every accepted connection appends one line to `log`. No connection, no request.
import { appendFileSync, readFileSync, writeFileSync } from 'node:fs';
import * as net from 'node:net';

/**
 * Starts the relay to `server` (https://127.0.0.1:PORT) and writes `kubeconfig`, a copy of `from`
 * pointing at it. @param {{ server: string, from: string, kubeconfig: string, log: string }} options
 * @returns {Promise<{ port: number, close: () => Promise<void> }>}
 */
export async function startKubeCounter({ server, from, kubeconfig, log }) {
  const target = new URL(server);
  writeFileSync(log, '');
  const sockets = new Set();
  const relay = net.createServer((client) => {
    appendFileSync(log, `${new Date().toISOString()}\n`);
    const upstream = net.connect(Number(target.port), target.hostname);
    for (const socket of [client, upstream]) {
      sockets.add(socket);
      socket.on('close', () => sockets.delete(socket));
      socket.on('error', () => { client.destroy(); upstream.destroy(); });
    }
    client.pipe(upstream).pipe(client);
  });
  await new Promise((resolve, reject) => {
    relay.once('error', reject);
    relay.listen(0, '127.0.0.1', () => resolve(undefined));
  });
  const port = /** @type {net.AddressInfo} */ (relay.address()).port;
  const text = readFileSync(from, 'utf8');
  if (!text.includes(JSON.stringify(server))) {
    throw new Error(`${from} does not name ${server}`);
  }
  writeFileSync(kubeconfig, text.replace(JSON.stringify(server), JSON.stringify(`https://127.0.0.1:${port}`)), { mode: 0o600 });
  return {
    port,
    close: () => new Promise((resolve) => {
      for (const socket of sockets) socket.destroy();
      relay.close(() => resolve());
    }),
  };
}
