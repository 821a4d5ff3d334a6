// Types of argo-rollouts.mjs, for the TypeScript test fixtures.

/** The pinned github.com/argoproj/argo-rollouts version, e.g. `1.10.1`. */
export const ROLLOUTS_VERSION: string;
/** build-argo-rollouts.sh's folder: bin/rollouts-controller, crds/, plugin-source/, build.log. */
export function rolloutsCacheDir(): string;
/** build-argo-rollouts.sh's copy of the kubectl plugin's Go sources: <dir>/<verb>/*.go (promote, abort, retry, pause, restart, undo, set). */
export function pluginSourceDir(): string;
/** The built rollouts-controller; throws, naming build-argo-rollouts.sh, if it is not built yet. */
export function rolloutsBinary(): string;
/** Creates the release's CRDs and waits until each is Established and argoproj.io/v1alpha1 is discovered. */
export function installRolloutsCrds(kubeconfig: string): Promise<{ crds: string[] }>;
/**
 * Starts the controller (no leader election, free metrics/healthz ports; namespaced when `namespace` is given),
 * logging to `logFile`, and resolves once /healthz answers. Resolves to the function that stops it.
 */
export function startRolloutsController(options: { kubeconfig: string; namespace?: string; logFile: string; timeoutMs?: number }): Promise<() => Promise<void>>;
