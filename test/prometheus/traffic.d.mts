// Types of traffic.mjs, for the TypeScript test fixtures.

export type Track = 'stable' | 'canary' | 'baseline';

export const REQUESTS_PER_SECOND: number;
export const TICK_MS: number;
export const POLL_MS: number;
/** The histogram's finite bucket bounds (seconds); `+Inf` follows. */
export const BUCKETS: number[];
export const TRACKS: readonly Track[];

export interface Behaviour {
  errorRatio: number;
  latencySeconds: number;
  /** Spread of each request's latency around the mean, as a fraction. */
  jitter?: number;
}

/** `broken` anywhere in the image: 40% code 500, 0.3 s; `slow`: 1.5 s; `-lat<ms>` and `-jit<percent>` in the repository name: that mean and spread; else 0.04 s. */
export function behaviour(image: string | undefined): Behaviour;

/** The latency of the k-th request at `ms` (performance time). */
export function latencyOf(b: Behaviour, ms: number, k: number): number;

export interface TrafficOptions {
  kubeconfig: string;
  /** Default 0: a free port. */
  port?: number;
  /** Default 127.0.0.1. */
  host?: string;
  log?: (message: string) => void;
}

export interface TrafficService {
  /** http://127.0.0.1:PORT (GET /metrics, GET /state for debugging). */
  url: string;
  port: number;
  /** `127.0.0.1:PORT`, for a Prometheus static target. */
  target: string;
  /** Simulates traffic for Deployments `<app>` (stable) and `<app>-canary` (canary) in `namespace`; idempotent. */
  watch(namespace: string, app: string): void;
  /** Stops simulating it; its series leave /metrics. */
  unwatch(namespace: string, app: string): void;
  stop(): Promise<void>;
}

export function startTraffic(options: TrafficOptions): Promise<TrafficService>;
