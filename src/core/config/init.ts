// `init`: turns what was found in the repository and the cluster into a first .hotfix/config.yaml,
// with a comment on every key saying why it holds that value and what the other choices would do.

import { canaryName, selects, TRACK } from '../deploy/canary-plan';
import { ownerLabel, ownerRefs } from '../gitops/detect';
import type { DeployStrategy, GitSettings, WorkloadKind } from './types';

type Labels = Readonly<Record<string, string>>;

/** A workload as init sees it: its name, its pods' labels and its containers (and its own labels, for GitOps owners). */
export interface WorkloadFacts {
  readonly name: string;
  /** Absent: a Deployment. */
  readonly kind?: WorkloadKind;
  readonly podLabels: Labels;
  readonly containers: readonly string[];
  readonly labels?: Labels;
  readonly annotations?: Labels;
}

export interface ServiceFacts {
  readonly name: string;
  readonly selector: Labels;
}

/** What init reads from a cluster: the port the client-node adapter implements. */
export interface ClusterInventory {
  listDeployments(namespace: string): Promise<WorkloadFacts[]>;
  listServices(namespace: string): Promise<ServiceFacts[]>;
}

/** The Deployments and Services of the chosen context and namespace. */
export interface ClusterFacts {
  readonly context: string;
  readonly namespace: string;
  readonly deployments: readonly WorkloadFacts[];
  /** The StatefulSets and DaemonSets (each a rolling target of its own kind). */
  readonly workloads?: readonly WorkloadFacts[];
  readonly services: readonly ServiceFacts[];
  /** Argo Rollouts (argoproj.io/v1alpha1): each an argo-rollout target; a Deployment one references is not a target of its own. */
  readonly rollouts?: readonly RolloutFacts[];
}

export interface RolloutFacts {
  readonly name: string;
  /** The Deployment its workloadRef names, whose pods and containers are the Rollout's. */
  readonly workloadRef?: string;
  readonly podLabels: Labels;
  readonly containers: readonly string[];
  /** canary (with N steps) or blue-green, for the comment. */
  readonly strategy: string;
}

export interface InitFacts {
  /** The git settings as resolved from the repository alone (no file). */
  readonly git: GitSettings;
  /** The kubeconfig's contexts, listed in a comment when no cluster was inspected. */
  readonly kube?: { readonly contexts: readonly string[]; readonly current?: string };
  readonly cluster?: ClusterFacts;
  /** The remote's forge when its address says (GitHub, GitLab): finish through pull requests is suggested. */
  readonly forge?: { readonly kind: 'github' | 'gitlab'; readonly repository: string };
}

export interface TargetSuggestion {
  readonly name: string;
  readonly app: string;
  readonly strategy: DeployStrategy;
  /** Absent: Deployments. */
  readonly kind?: WorkloadKind;
  /** The Deployments (or the one StatefulSet or DaemonSet) the target drives. */
  readonly deployments: readonly string[];
  readonly service?: string;
  /** Set only when the pods have several containers: the one the deploy updates. */
  readonly container?: string;
  readonly containers: readonly string[];
  /** Why this strategy, in words for the comment. */
  readonly why: string;
  /** The Argo CD / Flux objects its labels name (`Argo CD Application argocd/web (label … on Deployment web)`). */
  readonly gitops?: readonly string[];
  /** Argo CD applications found in another namespace than argocd. */
  readonly argocdNamespace?: string;
}

/** Target names, apps and Services in the file (the schema's k8sName); a dotted Deployment name cannot be an app. */
const K8S_NAME = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;

/** Deployments no target can name (a dot in the name): listed in a comment instead. */
export function unnamable(cluster: ClusterFacts): string[] {
  return [...cluster.deployments, ...(cluster.workloads ?? [])].map((d) => d.name).filter((name) => !K8S_NAME.test(name)).sort();
}

/**
 * One target per app: `<x>-blue` + `<x>-green` is blue-green; `<x>` with pods labelled `track: stable`
 * (or with an `<x>-canary` beside it) is canary; any other Deployment is rolling.
 */
export function suggestTargets(cluster: ClusterFacts): TargetSuggestion[] {
  const byName = new Map(cluster.deployments.filter((d) => K8S_NAME.test(d.name)).map((d) => [d.name, d]));
  const used = new Set<string>();
  const suggestions: TargetSuggestion[] = [];
  const names = new Set<string>();
  const add = (app: string, strategy: DeployStrategy, workloads: readonly WorkloadFacts[], why: string, kind?: WorkloadKind): void => {
    workloads.forEach((w) => used.add(w.name));
    const containers = workloads[0]?.containers ?? [];
    const service = matchingService(cluster.services, app, workloads);
    const owners = ownerRefs(workloads.map((w) => ({ what: `${w.kind ?? 'Deployment'} ${w.name}`, labels: w.labels ?? {}, annotations: w.annotations ?? {} })), 'argocd', cluster.namespace);
    const argo = owners.find((o) => o.controller === 'argocd' && o.namespace !== 'argocd');
    suggestions.push({
      name: uniqueName(app, names),
      app,
      strategy,
      ...(kind !== undefined && kind !== 'Deployment' ? { kind } : {}),
      deployments: workloads.map((w) => w.name),
      ...(service !== undefined ? { service } : {}),
      ...(containers.length > 1 && containers[0] !== undefined ? { container: containers[0] } : {}),
      containers,
      why,
      ...(owners.length > 0 ? { gitops: owners.map((o) => `${ownerLabel(o)} (${o.via})`) } : {}),
      ...(argo ? { argocdNamespace: argo.namespace } : {}),
    });
  };

  // An Argo Rollout drives its app: its workloadRef's Deployment is its template, not a target of its own.
  for (const r of [...(cluster.rollouts ?? [])].filter((r) => K8S_NAME.test(r.name)).sort((a, b) => a.name.localeCompare(b.name))) {
    const ref = r.workloadRef !== undefined ? byName.get(r.workloadRef) : undefined;
    if (r.workloadRef !== undefined) used.add(r.workloadRef);
    const facts: WorkloadFacts = ref ? { ...ref, name: r.name } : { name: r.name, podLabels: r.podLabels, containers: r.containers };
    add(r.name, 'argo-rollout', [facts], `${r.name} is an Argo Rollout (${r.strategy}${r.workloadRef !== undefined ? `, its template from Deployment ${r.workloadRef}` : ''}): its controller runs the steps and analysis`);
  }
  for (const d of [...byName.values()].sort((a, b) => a.name.localeCompare(b.name))) {
    if (used.has(d.name)) continue;
    const base = d.name.replace(/-blue$/, '');
    const green = byName.get(`${base}-green`);
    if (d.name.endsWith('-blue') && green) {
      add(base, 'blue-green', [d, green], `the Deployments ${d.name} and ${green.name} exist`);
    }
  }
  for (const d of [...byName.values()].sort((a, b) => a.name.localeCompare(b.name))) {
    if (used.has(d.name)) continue;
    const canary = byName.get(canaryName(d.name));
    if (d.podLabels[TRACK] === 'stable' || canary) {
      const why = d.podLabels[TRACK] === 'stable' ? `the pods of ${d.name} carry ${TRACK}: stable` : `${canaryName(d.name)} exists beside it`;
      add(d.name, 'canary', canary ? [d, canary] : [d], why);
    }
  }
  for (const d of [...byName.values()].sort((a, b) => a.name.localeCompare(b.name))) {
    if (used.has(d.name)) continue;
    add(d.name, 'rolling', [d], `${d.name} is a single Deployment (no -blue/-green pair, no ${TRACK}: stable pods)`);
  }
  // A StatefulSet or DaemonSet rolls out in place: rolling is its only strategy.
  for (const w of [...(cluster.workloads ?? [])].filter((w) => K8S_NAME.test(w.name)).sort((a, b) => a.name.localeCompare(b.name))) {
    add(w.name, 'rolling', [w], `a ${w.kind ?? 'Deployment'} rolls out in place`, w.kind);
  }
  return suggestions.sort((a, b) => a.name.localeCompare(b.name));
}

/** The Service selecting the app's pods: one named as the app first, never a `-canary` one. */
function matchingService(services: readonly ServiceFacts[], app: string, workloads: readonly WorkloadFacts[]): string | undefined {
  const matching = services.filter((s) => K8S_NAME.test(s.name) && !s.name.endsWith('-canary') && workloads.some((w) => selects(s.selector, w.podLabels)));
  return (matching.find((s) => s.name === app) ?? matching.sort((a, b) => a.name.localeCompare(b.name))[0])?.name;
}

function uniqueName(app: string, taken: Set<string>): string {
  let name = app;
  for (let i = 2; taken.has(name); i++) name = `${app}-${i}`;
  taken.add(name);
  return name;
}

/** A YAML scalar: plain when that reads back as the same string, else double-quoted (JSON is valid YAML). */
export function scalar(value: string): string {
  const plain = /^[A-Za-z_/][\w./-]*$/.test(value) && !/^(true|false|null|yes|no|on|off|y|n)$/i.test(value);
  return plain ? value : JSON.stringify(value);
}

const STRATEGY_NOTES: Record<DeployStrategy, string> = {
  rolling: 'rolling: patch the Deployment in place; rollback = its previous ReplicaSet (kubectl rollout undo)',
  'blue-green': 'blue-green: needs <app>-blue and <app>-green behind one Service; rollback = switch the selector back',
  canary: 'canary: needs <app> with pods labelled track: stable; <app>-canary gets traffic in steps with gates',
  'argo-rollout': 'argo-rollout: app is an Argo Rollout (or the Deployment its workloadRef names); its controller runs the steps and analysis',
};

/** The commented configuration text. It parses with parseConfig and validates against the schema. */
export function renderInitConfig(facts: InitFacts): { text: string; targets: TargetSuggestion[] } {
  const targets = facts.cluster ? suggestTargets(facts.cluster) : [];
  const lines: string[] = [
    '# Hotfix Deployer team configuration, written by `hotfix-deployer init` (or Hotfix: Set Up Repository…).',
    '# Commit it. Every key is optional; what is left out is worked out from the repository. The schema',
    '# (schemas/config.schema.json) gives completion and hover in the editor with the YAML extension.',
    'version: 1',
    '',
    ...gitSection(facts.git, facts.forge),
    '',
    '# Where issue keys in branch names (PROD-2847) link to; {issue} is replaced by the key.',
    '# issueTracker: { urlTemplate: "https://tracker.example/browse/{issue}" }',
    '',
    ...targetsSection(facts, targets),
    '',
    '# Channels that hear about incidents and deploys. Secrets never go here: webhook URLs and keys come',
    '# from HOTFIX_SLACK_WEBHOOK_URL etc. (CLI) or VS Code SecretStorage (Hotfix: Configure Notifications…).',
    '# notifications: { slack: {}, teams: {}, pagerduty: { source: checkout }, webhook: {} }',
    '',
    '# Where incidents are kept: file (default, .git/hotfix/incidents/) or cluster (ConfigMaps in a namespace).',
    '# incidents: { store: cluster, namespace: hotfix }',
    '',
    '# The Prometheus that metric gates ask (targets.<name>.verify.metrics).',
    '# prometheus: { url: "http://prometheus.monitoring:9090" }',
    '',
    '# Validation suites: commands (argument arrays, no shell) that must pass before a deploy.',
    '# validate:',
    '#   critical-path:',
    '#     - { name: unit, run: [npm, test], timeout: 10m }',
    '',
  ];
  return { text: lines.join('\n'), targets };
}

function gitSection(git: GitSettings, forge: InitFacts['forge']): string[] {
  const gitflow = git.model === 'gitflow';
  const lines = [
    '# Git branching, detected from the branches and tags of this repository.',
    'git:',
    gitflow
      ? '  # gitflow (a develop branch exists): a finished hotfix is merged to production, tagged, then merged'
      : '  # trunk (no develop branch): a finished hotfix is merged to production, tagged, then cherry-picked',
    gitflow ? '  # back to develop. The other model, trunk, cherry-picks to the main branch instead.' : '  # to the main branch. The other model, gitflow, merges back to a develop branch instead.',
    `  model: ${git.model}`,
    '  # The branch that holds what runs in production; hotfix branches start from it.',
    `  productionBranch: ${scalar(git.productionBranch)}`,
  ];
  if (git.developBranch !== undefined) {
    lines.push('  # gitflow: the integration branch a finished hotfix is merged back to.', `  developBranch: ${scalar(git.developBranch)}`);
  }
  if (!gitflow) {
    lines.push('  # trunk: the branch a finished hotfix is cherry-picked to.', `  mainBranch: ${scalar(git.mainBranch)}`);
  }
  lines.push(
    `  # Release tags are ${git.tagPrefix === '' ? 'bare (1.4.2)' : `"${git.tagPrefix}" + version (${git.tagPrefix}1.4.2)`}, as most existing release tags are; "v" or "" are usual.`,
    `  tagPrefix: ${scalar(git.tagPrefix)}`,
  );
  if (git.remote !== undefined) {
    lines.push('  # Branches and tags are pushed here; without a remote nothing is pushed.', `  remote: ${scalar(git.remote)}`);
  } else {
    lines.push('  # No remote: nothing is pushed. Name one once the repository has it.', '  # remote: origin');
  }
  const noun = forge?.kind === 'gitlab' ? 'merge requests' : 'pull requests';
  lines.push(
    ...(forge
      ? [
          `  # The remote is ${forge.kind === 'gitlab' ? 'GitLab' : 'GitHub'} ${forge.repository}: finish through ${noun}, as a protected production needs`,
          `  # (reviews and checks pass before the merge; the token comes from ${forge.kind === 'gitlab' ? 'GITLAB_TOKEN' : 'GITHUB_TOKEN'} or the editor). direct merges and pushes from here.`,
          '  finish: pull-request',
        ]
      : ['  # finish: pull-request        # through GitHub pull requests or GitLab merge requests, for a protected production']),
  );
  return lines;
}

function targetsSection(facts: InitFacts, targets: readonly TargetSuggestion[]): string[] {
  const head = [
    '# Deploy targets: a Deployment (or a blue-green pair, or a stable + canary), a StatefulSet or a DaemonSet',
    '# in a namespace of a kube context, with its strategy. Rename targets freely (e.g. staging, production);',
    '# a target named production is protected (it asks for --yes or a typed confirmation) unless it says',
    '# protected: false.',
  ];
  if (!facts.cluster) {
    const contexts = facts.kube?.contexts ?? [];
    return [
      ...head,
      contexts.length > 0
        ? `# Kube contexts in your kubeconfig: ${contexts.map((c) => (c === facts.kube?.current ? `${c} (current)` : c)).join(', ')}.`
        : '# No kubeconfig was found.',
      '# Run `hotfix-deployer init --context=NAME --namespace=NS --force` to fill this from a cluster, or write one:',
      '# targets:',
      '#   staging:',
      '#     context: my-context         # default: the current context',
      '#     namespace: payments',
      '#     app: checkout               # the Deployment (blue-green: checkout-blue/-green)',
      '#     strategy: rolling           # rolling | blue-green | canary | argo-rollout',
    ];
  }
  const cluster = facts.cluster;
  if (targets.length === 0) {
    return [...head, `# No Deployments were found in namespace ${cluster.namespace} of context ${cluster.context}.`, '# targets:', '#   staging: { context: my-context, namespace: payments, app: checkout }'];
  }
  const skipped = unnamable(cluster);
  const lines = [
    ...head,
    `# Found in namespace ${cluster.namespace} of context ${cluster.context}.`,
    ...(skipped.length > 0 ? [`# Left out: ${skipped.join(', ')} (an app name is lower case letters, digits and '-').`] : []),
    'targets:',
  ];
  targets.forEach((t, i) => {
    if (i > 0) lines.push('');
    lines.push(...targetLines(cluster, t));
  });
  return lines;
}

function targetLines(cluster: ClusterFacts, t: TargetSuggestion): string[] {
  const others = (Object.keys(STRATEGY_NOTES) as DeployStrategy[]).filter((s) => s !== t.strategy).map((s) => `  #   ${STRATEGY_NOTES[s]}`);
  const lines = [
    `  ${t.name}:`,
    '    # The kube context (leave it out to use the current one) and the namespace of the app.',
    `    context: ${scalar(cluster.context)}`,
    `    namespace: ${scalar(cluster.namespace)}`,
    `    # The app: ${t.kind !== undefined && t.kind !== 'Deployment' ? `the ${t.kind} ${t.app}` : t.deployments.join(' + ')}.`,
    `    app: ${scalar(t.app)}`,
    ...(t.kind !== undefined && t.kind !== 'Deployment'
      ? inPlaceLines(t.kind)
      : [`    # ${t.strategy}, because ${t.why}. The others:`, ...others.map((line) => `  ${line}`), `    strategy: ${t.strategy}`]),
  ];
  if (t.service !== undefined) {
    lines.push(`    # The Service whose selector matches the pods${t.strategy === 'blue-green' ? ' (its selector is switched between colours)' : ''}.`, `    service: ${scalar(t.service)}`);
  } else {
    lines.push(`    # No Service in ${cluster.namespace} selects these pods; the default is a Service named ${t.app}.`, `    # service: ${scalar(t.app)}`);
  }
  if (t.container !== undefined) {
    lines.push(`    # The pods run ${t.containers.join(', ')}: the deploy updates this one.`, `    container: ${scalar(t.container)}`);
  } else if (t.containers.length === 1) {
    lines.push(`    # container: ${scalar(t.containers[0] ?? '')}   # the only container, so not needed`);
  }
  lines.push(
    '    # The image for a release, with {version}, {tag} or {sha}; without it, each deploy names its image.',
    `    # image: "registry.example/${t.app}:{version}"`,
    '    # protected: true             # ask for confirmation before a deploy or rollback',
    '    # validate: critical-path     # a suite under validate: that must pass first',
  );
  lines.push(...gitopsLines(t));
  if (t.strategy === 'canary') {
    lines.push('    # The defaults; traffic: gateway-api or istio (with route:) where the cluster has them.', '    # canary: { steps: [10, 25, 50, 75, 100], pause: 5m, traffic: replicas }');
  } else if (t.strategy === 'blue-green') {
    lines.push('    # How long the old colour stays scaled up for an instant rollback (`retire` scales it down).', '    # blueGreen: { keepOldFor: 10m }');
  } else if (t.strategy === 'argo-rollout') {
    lines.push('    # Its steps and analysis are the Rollout\'s own: `rollout promote|abort|retry|pause|resume|undo|restart`', '    # act through it, and `rollout status` explains a failed AnalysisRun.');
  }
  return lines;
}

/** A StatefulSet or DaemonSet: its kind written out, and why it can only roll (and how it rolls back). */
function inPlaceLines(kind: Exclude<WorkloadKind, 'Deployment'>): string[] {
  const how = kind === 'StatefulSet' ? 'pod by pod from the highest ordinal (its partition and maxUnavailable' : 'node by node (its maxUnavailable';
  return [
    `    # A ${kind} rolls out in place, ${how} are left as they are);`,
    '    # a rollback restores its previous ControllerRevision, as kubectl rollout undo does. So rolling is its',
    '    # only strategy: blue-green and canary need Deployments.',
    `    kind: ${kind}`,
    '    strategy: rolling',
    `    # A ${kind} has no progressDeadlineSeconds: how long its rollout may take before it is rolled back.`,
    '    # progressDeadline: 10m',
  ];
}

/** A GitOps-managed app gets its gitops: section, explained; others a commented line saying when it matters. */
function gitopsLines(t: TargetSuggestion): string[] {
  if (!t.gitops) {
    return ['    # gitops: { autoSync: ask }     # when Argo CD or Flux manages it: what to do before a deploy here'];
  }
  return [
    `    # Managed by ${t.gitops.join('; ')}: a deploy or rollback made here`,
    '    # is reverted at its next sync. ask: VS Code asks, the CLI needs --pause-gitops or --ignore-gitops;',
    '    # pause: pause auto-sync by itself (restored when the incident resolves); warn: say so and go on.',
    '    gitops:',
    '      autoSync: ask',
    ...(t.argocdNamespace !== undefined ? [`      argocdNamespace: ${scalar(t.argocdNamespace)}`] : []),
    '      # The clone of the repository the controller syncs, and the file that sets the image: each deploy',
    '      # and rollback prepares there the commit that makes git say what runs.',
    `      # manifests: { repo: ../infra, path: apps/${t.app}/deployment.yaml, branch: main }`,
  ];
}
