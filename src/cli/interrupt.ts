// Ctrl-C (or SIGTERM from a CI runner) as a safe stop, as Cancel is in VS Code: the first asks the
// operation to stop at its next safe point (it saves its state and releases the lock); a second exits
// at once. The listeners live exactly as long as the verb, so an embedded run leaves none behind.

/** Runs `body` with a signal that the first Ctrl-C aborts; `said` tells the person what happens now. */
export async function interruptibly<T>(said: (signal: NodeJS.Signals) => void, body: (signal: AbortSignal) => Promise<T>): Promise<T> {
  const abort = new AbortController();
  const stop = (signal: NodeJS.Signals) => {
    if (abort.signal.aborted) process.exit(130);
    said(signal);
    abort.abort();
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
  try {
    return await body(abort.signal);
  } finally {
    process.off('SIGINT', stop);
    process.off('SIGTERM', stop);
  }
}
