// Root hooks of the integration tier (loaded by .mocharc.json `require`): note failed tests, so the test
// cluster's logs are kept, and stop the cluster once the run is over if a test started it (the Argo Rollouts
// controller first, while its apiserver still answers).
import type { Context } from 'mocha';
import { stopRolloutsController } from './fixtures/argo-rollouts';
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
  let controllerError: Error | undefined;
  await stopRolloutsController().catch((error: unknown) => {
    controllerError = error instanceof Error ? error : new Error(`stopping the Argo Rollouts controller: ${JSON.stringify(error)}`);
    noteTestFailure();
  });
  await stopKubeCluster(typeof failures === 'number' && failures > 0);
  if (controllerError) {
    throw controllerError;
  }
}
