// Types of cluster.mjs, for the TypeScript test fixtures.

export const KUBE_VERSION: string;
/** test/kube/build-kube.sh: builds the binaries once (idempotent, cached). */
export const BUILD_SCRIPT: string;
/** The kubeconfig context, cluster and user name: `hotfix-test`. */
export const CONTEXT: string;
/** The fake node's name. */
export const NODE_NAME: string;

export interface ClusterProcess {
  name: string;
  /** Also the process group id: each component leads its own group. */
  pid: number;
  log: string;
}

export interface ClusterHandle {
  dir: string;
  kubeconfig: string;
  server: string;
  token: string;
  caFile: string;
  ports: { etcdClient: number; etcdPeer: number; apiserver: number };
  processes: ClusterProcess[];
  /** From the first certificate to a Ready node and the default ServiceAccount. */
  startupMs: number;
}

export interface StartOptions {
  dir: string;
  /** Defaults to kubeBinDir(). */
  binDir?: string;
  /** Per wait (apiserver ready, ServiceAccount, node); default 90 s. */
  timeoutMs?: number;
}

export function kubeBinDir(): string;
/** The executable `name` in a folder of $PATH, if any. */
export function onPath(name: string): string | undefined;
export function findBinaries(binDir?: string): { found: Record<string, string>; missing: string[] };
export function startCluster(options: StartOptions): Promise<ClusterHandle>;
export function stopCluster(handle: ClusterHandle): Promise<void>;
/** build-kube.sh's folder: bin/, gateway-api/, build.log, and `progress` while it builds. */
export function kubeCacheDir(): string;
/** Whether any process of the group is alive, by `kill -0`. */
export function groupAlive(pgid: number): boolean;
