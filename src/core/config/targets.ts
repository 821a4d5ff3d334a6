// Deploy targets with every default decided: strategy, service, protection, durations in
// milliseconds, canary steps. The schema has already checked the shapes; this checks what it cannot.

import { badInput, succeeded, type Result } from '../result';
import { parseDuration } from './duration';
import { resolveVerify, type VerifySettings } from '../verify/settings';
import { CONFIG_PATH, type ForgeConfig, type CanaryTraffic, type GitOpsAutoSync, type DeployStrategy, type HotfixConfigFile, type SmokeConfig, type TargetConfig, type WorkloadKind } from './types';

export interface Target {
  readonly name: string;
  /** Undefined: the kubeconfig's current context. */
  readonly context?: string;
  readonly namespace: string;
  readonly app: string;
  readonly strategy: DeployStrategy;
  /** No strategy was written: an Argo Rollout found for the app makes the target argo-rollout (rollouts/detect.ts). */
  readonly strategyDefaulted?: boolean;
  /** Strategy argo-rollout: the Rollout in charge (app, or the one whose workloadRef names app), once resolved. */
  readonly rollout?: string;
  /** What `app` names. */
  readonly kind: WorkloadKind;
  /** Set when the config says the app is a Helm release (one may also be detected from the workload's annotations). */
  readonly helm?: HelmSettings;
  readonly service: string;
  readonly container?: string;
  readonly image?: string;
  readonly protected: boolean;
  /** Undefined: the Deployment's own progressDeadlineSeconds. */
  readonly progressDeadlineMs?: number;
  readonly keepOldForMs: number;
  readonly canary: { readonly steps: readonly number[]; readonly pauseMs: number; readonly traffic: CanaryTraffic; readonly route: string; readonly baseline: 'stable' | 'deployment' };
  readonly smoke?: SmokeConfig;
  /** The validation suite a deploy needs first. */
  readonly validate?: string;
  readonly verify: VerifySettings;
  /** How a running image maps to a commit: tagPattern, else the image template. */
  readonly tagPattern?: string;
  readonly gitops: GitOpsSettings;
}

export interface HelmSettings {
  /** Undefined: the workload's meta.helm.sh/release-name annotation, else the app name. */
  readonly release?: string;
  /** Undefined: the workload's meta.helm.sh/release-namespace annotation, else the target's namespace. */
  readonly namespace?: string;
  readonly chart?: string;
  readonly version?: string;
  readonly imageValue?: string;
  readonly imageFormat: 'tag' | 'reference';
  readonly repositoryValue?: string;
}

export interface GitOpsSettings {
  readonly autoSync: GitOpsAutoSync;
  readonly argocdNamespace: string;
  /** `repo` as written (the adapter resolves it against the repository root). */
  readonly manifests?: { readonly repo: string; readonly path: string; readonly branch: string; readonly remote: string; readonly forge?: ForgeConfig };
}

export { parseDuration };

export const DEFAULT_CANARY_STEPS = [10, 25, 50, 75, 100] as const;

export function targetNames(config: HotfixConfigFile): string[] {
  return Object.keys(config.targets ?? {}).sort();
}

export function resolveTarget(config: HotfixConfigFile, name: string): Result<Target> {
  const raw = config.targets?.[name];
  if (!raw) {
    const known = targetNames(config);
    return badInput(
      `There is no deploy target "${name}".`,
      known.length > 0 ? `Known targets: ${known.join(', ')}.` : `Add it under targets: in ${CONFIG_PATH}, e.g. ${name}: { namespace: payments, app: checkout }.`,
    );
  }
  const steps = [...(raw.canary?.steps ?? DEFAULT_CANARY_STEPS)];
  if (steps.some((step, i) => i > 0 && step <= (steps[i - 1] ?? 0)) || steps[steps.length - 1] !== 100) {
    return badInput(`targets.${name}.canary.steps: ${steps.join(', ')} must increase and end at 100.`, `Fix it in ${CONFIG_PATH}, e.g. steps: [10, 25, 50, 75, 100].`);
  }
  const emergency = raw.verify?.emergency?.steps;
  if (emergency && (emergency.some((step, i) => i > 0 && step <= (emergency[i - 1] ?? 0)) || emergency[emergency.length - 1] !== 100)) {
    return badInput(`targets.${name}.verify.emergency.steps: ${emergency.join(', ')} must increase and end at 100.`, `Fix it in ${CONFIG_PATH}, e.g. steps: [50, 100].`);
  }
  const kind = raw.kind ?? 'Deployment';
  const strategy = raw.strategy ?? 'rolling';
  if (kind !== 'Deployment' && strategy !== 'rolling') {
    return badInput(`targets.${name}: a ${kind} rolls out in place; strategy ${strategy} needs Deployments.`, `Remove targets.${name}.strategy, or point app at Deployments.`);
  }
  if (raw.helm && strategy !== 'rolling') {
    return badInput(`targets.${name}: a Helm release is upgraded and rolled back by Helm; strategy ${strategy} would be undone by its next upgrade.`, `Remove targets.${name}.strategy (Helm targets roll), or remove helm:.`);
  }
  if (raw.canary?.baseline === 'deployment' && (raw.canary.traffic ?? 'replicas') !== 'replicas') {
    return badInput(
      `targets.${name}.canary.baseline: deployment needs traffic: replicas: with ${raw.canary.traffic ?? ''} routing the baseline's pods would need a route of their own.`,
      `Set targets.${name}.canary.traffic: replicas, or baseline: stable (the canary is then compared with stable's pods).`,
    );
  }
  const service = raw.service ?? raw.app;
  const progressDeadlineMs = raw.progressDeadline !== undefined ? parseDuration(raw.progressDeadline) : undefined;
  return succeeded({
    name,
    namespace: raw.namespace,
    app: raw.app,
    strategy,
    ...(raw.strategy === undefined ? { strategyDefaulted: true } : {}),
    kind,
    ...(raw.helm ? { helm: helmSettings(raw.helm) } : {}),
    service,
    protected: raw.protected ?? name === 'production',
    keepOldForMs: parseDuration(raw.blueGreen?.keepOldFor ?? '10m') ?? 600_000,
    canary: {
      steps,
      pauseMs: parseDuration(raw.canary?.pause ?? '5m') ?? 300_000,
      traffic: raw.canary?.traffic ?? 'replicas',
      route: raw.canary?.route ?? service,
      baseline: raw.canary?.baseline ?? 'stable',
    },
    verify: resolveVerify(config, raw),
    gitops: {
      autoSync: raw.gitops?.autoSync ?? 'ask',
      argocdNamespace: raw.gitops?.argocdNamespace ?? 'argocd',
      ...(raw.gitops?.manifests
        ? {
            manifests: {
              repo: raw.gitops.manifests.repo,
              path: raw.gitops.manifests.path,
              branch: raw.gitops.manifests.branch ?? 'main',
              remote: raw.gitops.manifests.remote ?? 'origin',
              ...(raw.gitops.manifests.forge ? { forge: raw.gitops.manifests.forge } : {}),
            },
          }
        : {}),
    },
    ...((raw.tagPattern ?? raw.image) !== undefined ? { tagPattern: raw.tagPattern ?? raw.image } : {}),
    ...(raw.validate !== undefined ? { validate: raw.validate } : {}),
    ...(raw.context !== undefined ? { context: raw.context } : {}),
    ...(raw.container !== undefined ? { container: raw.container } : {}),
    ...(raw.image !== undefined ? { image: raw.image } : {}),
    ...(progressDeadlineMs !== undefined ? { progressDeadlineMs } : {}),
    ...(raw.smoke !== undefined ? { smoke: raw.smoke } : {}),
  });
}

function helmSettings(raw: NonNullable<TargetConfig['helm']>): HelmSettings {
  const imageFormat = raw.imageFormat ?? (raw.imageValue === undefined || raw.imageValue === 'tag' || raw.imageValue.endsWith('.tag') ? 'tag' : 'reference');
  return {
    imageFormat,
    ...(raw.release !== undefined ? { release: raw.release } : {}),
    ...(raw.namespace !== undefined ? { namespace: raw.namespace } : {}),
    ...(raw.chart !== undefined ? { chart: raw.chart } : {}),
    ...(raw.version !== undefined ? { version: raw.version } : {}),
    ...(raw.imageValue !== undefined ? { imageValue: raw.imageValue } : {}),
    ...(raw.repositoryValue !== undefined ? { repositoryValue: raw.repositoryValue } : {}),
  };
}

/** The image for a release: the template with {version}, {tag} and {sha} filled in. */
export function imageFromTemplate(template: string, values: { version?: string; tag?: string; sha?: string }): Result<string> {
  let missing: string | undefined;
  const image = template.replace(/\{(version|tag|sha)\}/g, (_, key: 'version' | 'tag' | 'sha') => {
    const value = values[key];
    if (value === undefined) missing = key;
    return value ?? '';
  });
  return missing === undefined ? succeeded(image) : badInput(`The image template ${template} needs {${missing}}, which is not known here.`, 'Give the image itself.');
}
