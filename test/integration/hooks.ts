// Root hooks of the integration tier (loaded by .mocharc.json `require`): note failed tests, so the test
// cluster's logs are kept, and stop the cluster once the run is over if a test started it.
import type { Context } from 'mocha';
import { noteTestFailure, stopKubeCluster } from './fixtures/cluster';
import { stopMetricsLoop } from './fixtures/prometheus';

export const mochaHooks = {
  afterEach(this: Context): void {
    if (this.currentTest?.state === 'failed') {
      noteTestFailure();
    }
  },
};

export async function mochaGlobalTeardown(this: unknown): Promise<void> {
  // Mocha passes its runner here: its failure count also covers failed hooks, which afterEach does not see.
  const failures = (this as { failures?: unknown } | undefined)?.failures;
  await stopMetricsLoop(typeof failures === 'number' && failures > 0);
  await stopKubeCluster(typeof failures === 'number' && failures > 0);
}
