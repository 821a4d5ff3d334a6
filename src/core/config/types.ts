// The team configuration in .hotfix/config.yaml, as read from the file and as resolved against
// what the repository actually has (defaults filled in from its branches and tags).

/** Where the file lives, relative to the repository root; also the label in its error messages. */
export const CONFIG_PATH = '.hotfix/config.yaml';

export type BranchingModel = 'gitflow' | 'trunk';

/** The `git:` section as written in the file; every key optional. */
export interface GitConfigFile {
  readonly model?: BranchingModel;
  readonly productionBranch?: string;
  readonly developBranch?: string;
  readonly mainBranch?: string;
  readonly tagPrefix?: string;
  readonly remote?: string;
}

export interface IssueTrackerConfig {
  /** A URL with `{issue}` where the issue key goes, e.g. https://tracker.example/browse/{issue}. */
  readonly urlTemplate?: string;
}

/** The whole file. Later capabilities add their sections (targets, validate, notifications, ...). */
export interface HotfixConfigFile {
  /** The format version; only 1 exists, so it is there for files to come. */
  readonly version?: 1;
  readonly git?: GitConfigFile;
  readonly issueTracker?: IssueTrackerConfig;
  readonly targets?: Readonly<Record<string, TargetConfig>> | null;
  readonly incidents?: IncidentsConfig | null;
  readonly notifications?: NotificationsConfig | null;
}

/**
 * `notifications:` says which channels are on; their secrets (webhook URLs, keys) never live here
 * but in the environment (CLI) or VS Code SecretStorage. A channel written as `slack:` (null) or
 * `slack: {}` is on; `enabled: false` turns it off without deleting it.
 */
export interface NotificationsConfig {
  readonly slack?: NotificationChannelConfig | null;
  readonly teams?: NotificationChannelConfig | null;
  readonly pagerduty?: PagerDutyChannelConfig | null;
  readonly statuspage?: StatuspageChannelConfig;
  readonly webhook?: NotificationChannelConfig | null;
}

export interface NotificationChannelConfig {
  readonly enabled?: boolean;
}

export interface PagerDutyChannelConfig extends NotificationChannelConfig {
  /** `payload.source` of alerts: the affected system; default `hotfix-deployer`. */
  readonly source?: string;
}

export interface StatuspageChannelConfig extends NotificationChannelConfig {
  readonly pageId: string;
  /** Component ids on the page that incidents mark as affected. */
  readonly components?: readonly string[];
}

/** The `incidents:` section: where incidents are kept. */
export interface IncidentsConfig {
  /** `file` (default): .git/hotfix/incidents/. `cluster`: labelled ConfigMaps in `namespace`. */
  readonly store?: 'file' | 'cluster';
  /** The kube context of the cluster store; default the current one. */
  readonly context?: string;
  /** Required (by the schema) with `store: cluster`. */
  readonly namespace?: string;
}

export type DeployStrategy = 'rolling' | 'blue-green' | 'canary';
export type CanaryTraffic = 'replicas' | 'gateway-api' | 'istio';

/** One entry of `targets:` as written. Durations are strings such as `5m`. */
export interface TargetConfig {
  readonly context?: string;
  readonly namespace: string;
  readonly app: string;
  readonly strategy?: DeployStrategy;
  readonly service?: string;
  readonly container?: string;
  readonly image?: string;
  readonly protected?: boolean;
  readonly progressDeadline?: string;
  readonly blueGreen?: { readonly keepOldFor?: string };
  readonly canary?: { readonly steps?: readonly number[]; readonly pause?: string; readonly traffic?: CanaryTraffic; readonly route?: string };
  readonly smoke?: SmokeConfig;
}

export interface SmokeConfig {
  readonly http?: { readonly url: string; readonly expectStatus?: number; readonly timeout?: string };
  readonly command?: readonly string[];
}

/** What the repository has, read through the git port; the input for defaults. */
export interface RepoFacts {
  readonly localBranches: readonly string[];
  /** Remote-tracking branches as `<remote>/<branch>`. */
  readonly remoteBranches: readonly string[];
  readonly tags: readonly string[];
  readonly remotes: readonly string[];
}

/** The `git:` settings with every default decided. */
export interface GitSettings {
  readonly model: BranchingModel;
  readonly productionBranch: string;
  /** Present in gitflow; may be absent in trunk. */
  readonly developBranch?: string;
  readonly mainBranch: string;
  /** `v` or '' (or whatever the file says). */
  readonly tagPrefix: string;
  /** Undefined when the repository has no remote: nothing is pushed. */
  readonly remote?: string;
}
