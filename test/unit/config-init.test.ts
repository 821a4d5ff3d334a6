import assert from 'node:assert/strict';
import { resolveGitSettings } from '../../src/core/config/defaults';
import { renderInitConfig, scalar, suggestTargets, type ClusterFacts, type InitFacts } from '../../src/core/config/init';
import { parseConfig } from '../../src/core/config/parse';
import { resolveTarget } from '../../src/core/config/targets';
import type { GitSettings, HotfixConfigFile } from '../../src/core/config/types';

function settings(localBranches: string[], tags: string[], remotes = ['origin']): GitSettings {
  const resolved = resolveGitSettings(undefined, { localBranches, remoteBranches: [], tags, remotes });
  assert.ok(resolved.ok);
  return resolved.value;
}

const gitflow = settings(['production', 'develop', 'release/2.0'], ['v1.9.0', 'v1.10.0', 'latest']);
const trunk = settings(['main', 'production'], ['3.1.0', '3.0.0', 'v2.0.0'], []);

const cluster: ClusterFacts = {
  context: 'prod-eu',
  namespace: 'payments',
  deployments: [
    { name: 'web-blue', podLabels: { app: 'web', color: 'blue' }, containers: ['web'] },
    { name: 'web-green', podLabels: { app: 'web', color: 'green' }, containers: ['web'] },
    { name: 'checkout', podLabels: { app: 'checkout', track: 'stable' }, containers: ['app', 'envoy'] },
    { name: 'checkout-canary', podLabels: { app: 'checkout', track: 'canary' }, containers: ['app', 'envoy'] },
    { name: 'search', podLabels: { app: 'search' }, containers: ['search'] },
    { name: 'ledger', podLabels: { app: 'ledger' }, containers: ['ledger'] },
    { name: 'ledger-canary', podLabels: { app: 'ledger', track: 'canary' }, containers: ['ledger'] },
    { name: 'batch.job', podLabels: { app: 'batch' }, containers: ['b'] },
  ],
  services: [
    { name: 'web', selector: { app: 'web', color: 'green' } },
    { name: 'checkout-canary', selector: { app: 'checkout', track: 'canary' } },
    { name: 'checkout-svc', selector: { app: 'checkout' } },
    { name: 'search', selector: { app: 'search' } },
    { name: 'everything', selector: {} },
  ],
};

function parsed(text: string): HotfixConfigFile {
  const result = parseConfig(text, '.hotfix/config.yaml');
  assert.ok(result.ok, result.ok ? '' : `${result.reason}\n---\n${text}`);
  return result.value;
}

describe('init: facts -> .hotfix/config.yaml', () => {
  it('suggests blue-green for a -blue/-green pair, canary for track: stable or a -canary beside it, else rolling', () => {
    const byName = Object.fromEntries(suggestTargets(cluster).map((t) => [t.name, t]));
    assert.deepEqual(Object.keys(byName).sort(), ['checkout', 'ledger', 'search', 'web'], 'batch.job cannot be an app name');
    assert.equal(byName['web']?.strategy, 'blue-green');
    assert.deepEqual(byName['web']?.deployments, ['web-blue', 'web-green']);
    assert.equal(byName['web']?.service, 'web');
    assert.equal(byName['checkout']?.strategy, 'canary');
    assert.equal(byName['checkout']?.service, 'checkout-svc', 'never the -canary Service');
    assert.equal(byName['checkout']?.container, 'app', 'several containers: the first is named');
    assert.equal(byName['ledger']?.strategy, 'canary');
    assert.equal(byName['ledger']?.service, undefined, 'no Service selects its pods (an empty selector selects nothing)');
    assert.equal(byName['search']?.strategy, 'rolling');
    assert.equal(byName['search']?.service, 'search');
    assert.equal(byName['search']?.container, undefined, 'one container: left out');
  });

  it('gitflow with a cluster: parses, validates, and every target resolves with the suggested values', () => {
    const { text } = renderInitConfig({ git: gitflow, kube: { contexts: ['prod-eu', 'dev'], current: 'dev' }, cluster });
    const config = parsed(text);
    assert.deepEqual(config.git, { model: 'gitflow', productionBranch: 'production', developBranch: 'develop', tagPrefix: 'v', remote: 'origin' });
    const web = resolveTarget(config, 'web');
    assert.ok(web.ok);
    assert.equal(web.value.strategy, 'blue-green');
    assert.equal(web.value.context, 'prod-eu');
    assert.equal(web.value.namespace, 'payments');
    assert.equal(web.value.service, 'web');
    assert.equal(config.targets?.['checkout']?.container, 'app');
    assert.equal(config.targets?.['checkout']?.strategy, 'canary');
    assert.equal(config.targets?.['search']?.strategy, 'rolling');
    assert.equal(config.targets?.['ledger']?.service, undefined);
  });

  it('explains each key and the options not chosen in comments', () => {
    const { text } = renderInitConfig({ git: gitflow, cluster });
    assert.match(text, /# gitflow \(a develop branch exists\)[^\n]*\n[^\n]*The other model, trunk, cherry-picks/);
    assert.match(text, /# blue-green, because the Deployments web-blue and web-green exist\. The others:\n\s+#\s+rolling: [^\n]+\n\s+#\s+canary: /);
    assert.match(text, /# canary, because the pods of checkout carry track: stable/);
    assert.match(text, /# canary, because ledger-canary exists beside it/);
    assert.match(text, /# The pods run app, envoy: the deploy updates this one\.\n\s+container: app/);
    assert.match(text, /# container: search {3}# the only container/);
    assert.match(text, /# No Service in payments selects these pods/);
    assert.match(text, /# Left out: batch\.job /);
    assert.match(text, /# notifications: /);
    assert.match(text, /# image: "registry\.example\/web:\{version\}"/);
    const commentLines = text.split('\n').filter((l) => l.trim().startsWith('#')).length;
    const keyLines = text.split('\n').filter((l) => /^\s*[\w-]+:/.test(l)).length;
    assert.ok(commentLines > keyLines, `${commentLines} comment lines for ${keyLines} keys`);
  });

  it('trunk without a cluster: main branch, bare tags, no remote, contexts listed, targets left as an example', () => {
    const facts: InitFacts = { git: trunk, kube: { contexts: ['kind-dev', 'prod'], current: 'prod' } };
    const { text, targets } = renderInitConfig(facts);
    assert.deepEqual(targets, []);
    const config = parsed(text);
    assert.deepEqual(config.git, { model: 'trunk', productionBranch: 'production', mainBranch: 'main', tagPrefix: '' });
    assert.equal(config.targets, undefined);
    assert.match(text, /# trunk \(no develop branch\)[^\n]*\n[^\n]*The other model, gitflow, merges back/);
    assert.match(text, /tagPrefix: ""/);
    assert.match(text, /# Kube contexts in your kubeconfig: kind-dev, prod \(current\)\./);
    assert.match(text, /# No remote: nothing is pushed/);
  });

  it('an empty namespace still parses, saying so', () => {
    const { text } = renderInitConfig({ git: gitflow, cluster: { context: 'c', namespace: 'empty', deployments: [], services: [] } });
    assert.equal(parsed(text).targets, undefined);
    assert.match(text, /# No Deployments were found in namespace empty of context c\./);
  });

  it('quotes what YAML would read as something else', () => {
    assert.equal(scalar('main'), 'main');
    assert.equal(scalar('release/2.0'), 'release/2.0');
    assert.equal(scalar(''), '""');
    assert.equal(scalar('yes'), '"yes"');
    assert.equal(scalar('1.0'), '"1.0"');
    assert.equal(scalar('a: b'), '"a: b"');
    const odd: GitSettings = { model: 'gitflow', productionBranch: 'on', developBranch: '2024', mainBranch: 'on', tagPrefix: 'rel-', remote: 'up#stream' };
    assert.deepEqual(parsed(renderInitConfig({ git: odd }).text).git, { model: 'gitflow', productionBranch: 'on', developBranch: '2024', tagPrefix: 'rel-', remote: 'up#stream' });
  });

  it('gives an Argo CD or Flux managed app a gitops: section that names its owner and parses; others a commented line', () => {
    const managed: ClusterFacts = {
      context: 'prod-eu',
      namespace: 'payments',
      deployments: [
        { name: 'pay', podLabels: { app: 'pay' }, containers: ['pay'], labels: { 'argocd.argoproj.io/instance': 'team-a_pay' } },
        { name: 'ledger', podLabels: { app: 'ledger' }, containers: ['ledger'], labels: { 'kustomize.toolkit.fluxcd.io/name': 'apps', 'kustomize.toolkit.fluxcd.io/namespace': 'flux-system' } },
        { name: 'search', podLabels: { app: 'search' }, containers: ['search'] },
      ],
      services: [],
    };
    const { text } = renderInitConfig({ git: trunk, cluster: managed });
    const config = parsed(text);
    const pay = resolveTarget(config, 'pay');
    assert.ok(pay.ok);
    assert.deepEqual([pay.value.gitops.autoSync, pay.value.gitops.argocdNamespace], ['ask', 'team-a']);
    assert.match(text, /# Managed by Argo CD Application team-a\/pay \(label argocd\.argoproj\.io\/instance=team-a_pay on Deployment pay\)/);
    assert.match(text, /# Managed by Flux Kustomization flux-system\/apps/);
    assert.equal(config.targets?.['ledger']?.gitops?.autoSync, 'ask');
    assert.equal(config.targets?.['search']?.gitops, undefined, 'no owner: only the commented hint');
    assert.match(text, /# gitops: \{ autoSync: ask \}/);
  });
});
