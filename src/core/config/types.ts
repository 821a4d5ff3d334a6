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
  /** direct: finish merges and pushes; pull-request: through pull (merge) requests, for protected branches. */
  readonly finish?: 'direct' | 'pull-request';
  /** The forge of the remote, when its address does not say (GitHub Enterprise, self-managed GitLab, a mirror). */
  readonly forge?: ForgeConfig;
}

export interface ForgeConfig {
  readonly kind?: 'github' | 'gitlab';
  /** The API's base address; default from the remote (https://api.github.com, https://HOST/api/v3, https://HOST/api/v4). */
  readonly api?: string;
  /** owner/name (GitHub) or group/project (GitLab); default from the remote's path. */
  readonly repository?: string;
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
  /** Named validation suites: steps run before a deploy (`validate --test-suite=NAME`). */
  readonly validate?: Readonly<Record<string, readonly ValidateStepConfig[]>> | null;
  /** The Prometheus every target's metric gates ask unless the target names its own. */
  readonly prometheus?: PrometheusConfig | null;
}

/** One step of a validation suite: a command as an argument array, run without a shell. */
export interface ValidateStepConfig {
  readonly name: string;
  readonly run: readonly string[];
  /** Default 10m. */
  readonly timeout?: string;
  /** A dry-run of something that changes state (a migration): labelled so in reports. */
  readonly dryRun?: boolean;
  /** The folder to run in, relative to the repository root; default the root. */
  readonly cwd?: string;
}

export interface PrometheusConfig {
  /** The server's base address, e.g. http://prometheus.monitoring:9090. */
  readonly url: string;
  /** Per query; default 10s. */
  readonly timeout?: string;
}

/** A health endpoint polled over HTTP. */
export interface HealthEndpointConfig {
  readonly name?: string;
  readonly url: string;
  /** Default 200. */
  readonly expectStatus?: number;
  /** A regular expression the body must match. */
  readonly bodyMatch?: string;
  /** Per request; default 5s. */
  readonly timeout?: string;
  /** Consecutive failed probes that fail the endpoint; default 3. */
  readonly failureThreshold?: number;
}

export type NoDataPolicy = 'fail' | 'inconclusive';

/** A metric gate: a PromQL query (written out, or made from a kind) and a bound. */
export interface MetricGateConfig {
  readonly name: string;
  /** error-rate: share of 5xx in a request counter; latency: a quantile of a histogram; promql: `query` as written. */
  readonly kind?: 'error-rate' | 'latency' | 'promql';
  /** Label matchers that pick the app's series, e.g. app="checkout" (error-rate, latency; `{{selector}}` in promql). */
  readonly selector?: string;
  /** error-rate: the request counter; default http_requests_total. */
  readonly metric?: string;
  /** latency: the histogram's base name; default http_request_duration_seconds. */
  readonly histogram?: string;
  /** latency: default 0.95. */
  readonly quantile?: number;
  /** promql: the query; `{{selector}}` becomes the label matchers (with the track during a canary). */
  readonly query?: string;
  /** The rate window; default 1m. */
  readonly window?: string;
  /** Fails above this. */
  readonly max?: number;
  /** Fails below this. */
  readonly min?: number;
  /** No data (empty result or NaN): default inconclusive. */
  readonly noData?: NoDataPolicy;
  /** Judge the canary's samples against the baseline's (Mann-Whitney U) rather than, or beside, max/min. */
  readonly compare?: 'baseline';
  /** compare: which way is worse; default increase (error-rate, latency), either (promql). */
  readonly direction?: 'increase' | 'decrease' | 'either';
  /** compare: how much worse is acceptable: "10%" or 0.1; default 10%. */
  readonly tolerance?: string | number;
  /** compare: a difference this small (the metric's unit) is accepted whatever the ratio; default 0. */
  readonly floor?: number;
  /** compare: the metric's share of the canary score; default 1. */
  readonly weight?: number;
  /** compare: its failure fails the step whatever the score. */
  readonly critical?: boolean;
  /** compare: the samples' spacing; default 10s. */
  readonly step?: string;
  /** compare: how far back the samples go without a canary step's start; default 5m. */
  readonly lookback?: string;
  /** compare: fewer samples on either side are marginal; default 5. */
  readonly minSamples?: number;
  /** compare: the significance level; default 0.05. */
  readonly alpha?: number;
}

/** How a target is checked during and after a deploy. */
export interface VerifyConfig {
  /** Overrides the top-level prometheus.url for this target. */
  readonly prometheus?: string;
  /** Named groups of health endpoints (`verify --endpoints=critical`). */
  readonly health?: Readonly<Record<string, readonly HealthEndpointConfig[]>>;
  readonly metrics?: readonly MetricGateConfig[];
  /** Failed metric measurements tolerated in one canary run or watch (Argo Rollouts failureLimit); default 0. */
  readonly failureLimit?: number;
  /** Inconclusive measurements tolerated before the gate fails (Argo Rollouts inconclusiveLimit); default 0. */
  readonly inconclusiveLimit?: number;
  /** The canary score's bands (metrics with compare: baseline); default pass 95, marginal 75. */
  readonly score?: { readonly pass?: number; readonly marginal?: number };
  /** Between looks during `verify` and between health probes; default 10s. */
  readonly interval?: string;
  /** The pod label that tells canary from stable in the metrics; default track (values canary, stable). */
  readonly trackLabel?: string;
  /** For SEV0/SEV1 incidents: fewer or shorter canary steps. Gates still run. */
  readonly emergency?: { readonly steps?: readonly number[]; readonly pause?: string };
}

/**
 * `notifications:` says which channels are on; their secrets (webhook URLs, keys) never live here
 * but in the environment (CLI) or VS Code SecretStorage. A channel written as `slack:` (null) or
 * `slack: {}` is on; `enabled: false` turns it off without deleting it.
 */
export interface NotificationsConfig {
  /**
   * How long one change's notifications may take, every channel at once, retries included (`15s` by
   * default): a channel still pending then is reported failed, so a dead receiver never holds a command.
   */
  readonly deadline?: string;
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

/** argo-rollout: the app is an Argo Rollout (or the Deployment its workloadRef names), driven through the Rollout as its plugin does. */
export type DeployStrategy = 'rolling' | 'blue-green' | 'canary' | 'argo-rollout';
/** The kind of workload `app` names: a rolling update of any of them; blue-green and canary need Deployments. */
export type WorkloadKind = 'Deployment' | 'StatefulSet' | 'DaemonSet';

/**
 * `targets.<t>.helm`: the app is a Helm release. Deploy upgrades the release with the image value
 * changed and every other value reused; rollback is `helm rollback`; history is `helm history`.
 */
export interface HelmTargetConfig {
  /** The release; default: the workload's meta.helm.sh/release-name annotation, else the app name. */
  readonly release?: string;
  /** The release's namespace; default: the workload's meta.helm.sh/release-namespace, else the target's. */
  readonly namespace?: string;
  /** The chart an upgrade installs: a directory or archive in this repository, repo/chart, or oci://. */
  readonly chart?: string;
  /** The chart version, for a repository or OCI chart. */
  readonly version?: string;
  /** The value the deployed image goes into, as a dotted path, e.g. image.tag. */
  readonly imageValue?: string;
  /** tag: only the image's tag (default when imageValue ends in .tag); reference: the whole image. */
  readonly imageFormat?: 'tag' | 'reference';
  /** Where the image's repository goes too, e.g. image.repository (with imageFormat tag). */
  readonly repositoryValue?: string;
}
export type CanaryTraffic = 'replicas' | 'gateway-api' | 'istio';

/** One entry of `targets:` as written. Durations are strings such as `5m`. */
export interface TargetConfig {
  readonly context?: string;
  readonly namespace: string;
  readonly app: string;
  readonly strategy?: DeployStrategy;
  /** What `app` names; default Deployment. */
  readonly kind?: WorkloadKind;
  readonly helm?: HelmTargetConfig;
  readonly service?: string;
  readonly container?: string;
  readonly image?: string;
  /** How a running image maps to a commit ({version}, {sha}, *); default the image template. */
  readonly tagPattern?: string;
  readonly protected?: boolean;
  readonly progressDeadline?: string;
  readonly blueGreen?: { readonly keepOldFor?: string };
  readonly canary?: {
    readonly steps?: readonly number[];
    readonly pause?: string;
    readonly traffic?: CanaryTraffic;
    readonly route?: string;
    /** What compare: baseline metrics compare the canary with: stable's pods, or <app>-baseline at the canary's size. */
    readonly baseline?: 'stable' | 'deployment';
  };
  readonly smoke?: SmokeConfig;
  /** The validation suite a deploy to this target must pass first. */
  readonly validate?: string;
  readonly verify?: VerifyConfig;
  readonly gitops?: GitOpsConfig;
}

/** What to do when Argo CD or Flux would revert an imperative change, and where the manifests live. */
export interface GitOpsConfig {
  /** ask (default): stop and ask / refuse without a flag; pause: pause auto-sync and track the restore; warn: say so and go on. */
  readonly autoSync?: GitOpsAutoSync;
  /** Where Argo CD Applications live; default argocd. */
  readonly argocdNamespace?: string;
  readonly manifests?: ManifestsConfig;
}

export type GitOpsAutoSync = 'ask' | 'pause' | 'warn';

/** A local clone of the repository the controller syncs from, and the file that sets the image. */
export interface ManifestsConfig {
  /** Absolute, or relative to this repository's root. */
  readonly repo: string;
  /** A Deployment manifest (any document of the file), a kustomization.yaml with images:, a Helm values file or a Flux HelmRelease (helm targets: the image goes in at helm.imageValue). */
  readonly path: string;
  /** Default main. */
  readonly branch?: string;
  /** Default origin. */
  readonly remote?: string;
  /** Its forge, when the remote's address does not say: a pushed change is opened as a request through the API. */
  readonly forge?: ForgeConfig;
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
  /** Set when finish goes through pull (merge) requests; absent: direct. */
  readonly finish?: 'pull-request';
  readonly forge?: ForgeConfig;
}
