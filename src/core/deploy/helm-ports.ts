// What the deploy engine needs from Helm, in plain data: a release's history and values, an upgrade
// and a rollback. The team's own helm binary implements it (adapters/helm/helm-cli.ts): rendering a
// chart and writing Helm's release records are Helm's, so `helm history` agrees with us by construction.

/** One revision as `helm history -o json` lists it. */
export interface HelmRevision {
  readonly revision: number;
  /** ISO 8601. */
  readonly updated: string;
  /** deployed, superseded, failed, pending-install, pending-upgrade, pending-rollback, uninstalling, ... */
  readonly status: string;
  /** name-version, e.g. web-0.1.0. */
  readonly chart: string;
  readonly appVersion: string;
  /** "Upgrade complete", "Rollback to 2", or why it failed. */
  readonly description: string;
}

export interface HelmUpgradeOptions {
  /** Dotted value paths to strings (--set-string, so a tag such as 1.10 stays a string). */
  readonly set: Readonly<Record<string, string>>;
  /** The chart version, for a repository or OCI chart. */
  readonly version?: string;
  readonly timeoutMs: number;
  /** --dry-run=server: rendered and checked by the API server, nothing stored. */
  readonly dryRun: boolean;
  readonly wait: boolean;
  /** Recorded as the revision's description. */
  readonly description?: string;
  readonly signal?: AbortSignal;
}

export interface HelmUpgraded {
  readonly revision: number;
  readonly status: string;
  /** The rendered manifests (a dry-run's check of what the chart makes of the values); may hold Secrets: never shown. */
  readonly manifest: string;
}

export interface HelmRollbackOptions {
  readonly timeoutMs: number;
  readonly wait: boolean;
  readonly signal?: AbortSignal;
}

export interface HelmReleases {
  /** The binary's version without the v (4.3.2); a HelmRefusal `missing` or `too-old` when it cannot serve. */
  version(): Promise<string>;
  /** The release's latest revisions, oldest first; undefined when there is no such release. */
  history(namespace: string, release: string): Promise<HelmRevision[] | undefined>;
  /** The user-supplied values of a revision (default: the latest), as `helm get values -o json`. */
  values(namespace: string, release: string, revision?: number): Promise<Record<string, unknown>>;
  upgrade(namespace: string, release: string, chart: string, options: HelmUpgradeOptions): Promise<HelmUpgraded>;
  /** A new revision made from `revision`, as `helm rollback` does. */
  rollback(namespace: string, release: string, revision: number, options: HelmRollbackOptions): Promise<void>;
}

/**
 * Why Helm could not do it. `missing`/`too-old`: the binary (nothing was run against the cluster);
 * `failed`: Helm's own words (first line of its error output); `not-found`: no such release.
 */
export type HelmRefusalCode = 'missing' | 'too-old' | 'not-found' | 'failed';

export class HelmRefusal extends Error {
  override readonly name = 'HelmRefusal';
  constructor(
    message: string,
    readonly code: HelmRefusalCode,
  ) {
    super(message);
  }
}

/** Checked by name, not instanceof: the adapter may be bundled apart with its own copy of the class. */
export function isHelmRefusal(error: unknown): error is HelmRefusal {
  return error instanceof Error && error.name === 'HelmRefusal' && typeof (error as HelmRefusal).code === 'string';
}

/** The oldest Helm with --reset-then-reuse-values, which an upgrade needs to reuse every other value. */
export const HELM_MIN_VERSION = '3.14.0';

/** The words when no helm binary can be run; `where` is the path tried, undefined for PATH. */
export function helmMissing(where?: string): string {
  return `helm was not found ${where === undefined ? 'on PATH' : `at ${where}`}: install Helm 3.14 or later, or set hotfixDeployer.helmPath / HOTFIX_HELM`;
}
