import assert from 'node:assert/strict';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { detectOwners } from '../../src/core/gitops/detect';
import type { DeployState } from '../../src/core/deploy/state';
import { apps, type Apps } from './fixtures/apps';
import { kubeCluster, KUBE_START_TIMEOUT_MS, type KubeCluster } from './fixtures/cluster';
import { APPLICATION, gitops, HELMRELEASE, KUSTOMIZATION, type GitOps } from './fixtures/gitops';
import { runNode, type Ran } from './fixtures/process';
import { gitflowRepo, type Repo } from './fixtures/repos';

const CLI = path.resolve(__dirname, '../../../dist/cli.js');
const PAUSED_BY = 'hotfix-deployer.io/paused-by';
const PREVIOUS = 'hotfix-deployer.io/previous-sync-policy';
const INCIDENT = 'hotfix-deployer.io/incident';

interface Scenario {
  readonly ns: string;
  readonly repo: Repo;
  cli(...args: string[]): Promise<Ran>;
  incident(): Promise<string>;
  show(id: string): Promise<{ events: { type: string; object?: string; reason?: string; restore?: string }[]; actionItems: { text: string; owner?: string }[] }>;
  events(id: string): Promise<{ type: string; object?: string; reason?: string; restore?: string }[]>;
}

describe('GitOps: Argo CD and Flux owners detected, auto-sync paused around a deploy and restored (built dist/cli.js, real control plane with the CRDs)', function () {
  this.timeout(120_000);
  let cluster: KubeCluster;
  let k: Apps;
  let g: GitOps;
  const repos: Repo[] = [];
  const showIncident = async (repo: Repo, id: string) => {
    const shown = await runNode([CLI, 'incident', 'show', `--id=${id}`, '--json'], { cwd: repo.work });
    assert.equal(shown.code, 0, shown.err + shown.out);
    return (JSON.parse(shown.out) as { incident: Awaited<ReturnType<Scenario['show']>> }).incident;
  };

  before(async function () {
    this.timeout(KUBE_START_TIMEOUT_MS);
    cluster = await kubeCluster();
    [k, g] = await Promise.all([apps(cluster), gitops(cluster)]);
  });
  after(() => {
    k?.dispose();
    for (const r of repos) r.dispose();
  });

  /** A namespace with web at web:1.0, labelled as Argo CD's or Flux's, and a repository whose target web points at it. */
  async function scenario(name: string, labels: (ns: string) => Record<string, string>, gitopsConfig: string): Promise<Scenario> {
    const ns = await cluster.namespace(name);
    await k.deployment(ns, 'web', 'web:1.0', { app: 'web' }, 2);
    await g.label(ns, 'deployment', 'web', labels(ns));
    const repo = gitflowRepo();
    repos.push(repo);
    mkdirSync(path.join(repo.work, '.hotfix'));
    writeFileSync(path.join(repo.work, '.hotfix', 'config.yaml'), `targets:\n  web:\n    namespace: ${ns}\n    app: web\n    gitops:\n      argocdNamespace: ${ns}\n${gitopsConfig}`);
    const cli = (...args: string[]) => runNode([CLI, ...args], { cwd: repo.work });
    return {
      ns,
      repo,
      cli: (...args) => cli(...args, `--kubeconfig=${cluster.kubeconfig}`),
      async incident() {
        const declared = await cli('incident', 'create', '--severity=sev2', '--title=Checkout errors', '--impact=high', '--json');
        assert.equal(declared.code, 0, declared.err + declared.out);
        return (JSON.parse(declared.out) as { incident: { id: string } }).incident.id;
      },
      show: (id) => showIncident(repo, id),
      events: async (id) => (await showIncident(repo, id)).events,
    };
  }

  const automated = async (ns: string) => ((await g.get(ns, APPLICATION, 'web')).spec['syncPolicy'] as { automated?: unknown } | undefined)?.automated;

  it('detects the owners from the instance label, the tracking-id annotation and the Flux labels; none for an unlabelled app', async () => {
    const ns = await cluster.namespace('detect');
    await Promise.all([
      k.deployment(ns, 'by-label', 'web:1.0', { app: 'by-label' }, 1),
      k.deployment(ns, 'by-tracking', 'web:1.0', { app: 'by-tracking' }, 1),
      k.deployment(ns, 'by-kustomize', 'web:1.0', { app: 'by-kustomize' }, 1),
      k.deployment(ns, 'by-helm', 'web:1.0', { app: 'by-helm' }, 1),
      k.deployment(ns, 'plain', 'web:1.0', { app: 'plain' }, 1),
    ]);
    await g.label(ns, 'deployment', 'by-label', { 'argocd.argoproj.io/instance': 'shop' });
    await g.label(ns, 'deployment', 'by-tracking', {}, { 'argocd.argoproj.io/tracking-id': `${ns}_tracked:apps/Deployment:${ns}/by-tracking` });
    await g.label(ns, 'deployment', 'by-kustomize', { 'kustomize.toolkit.fluxcd.io/name': 'apps', 'kustomize.toolkit.fluxcd.io/namespace': ns });
    await g.label(ns, 'deployment', 'by-helm', { 'helm.toolkit.fluxcd.io/name': 'web', 'helm.toolkit.fluxcd.io/namespace': ns });
    await g.create(ns, APPLICATION, 'shop', { syncPolicy: { automated: { prune: true, selfHeal: true } } }, { sync: { revision: 'c0ffee1' } });
    await g.create(ns, APPLICATION, 'tracked', { syncPolicy: { automated: { prune: true } } });
    await g.create(ns, KUSTOMIZATION, 'apps', { interval: '10m' }, { lastAppliedRevision: 'main@sha1:abc123' });
    // No HelmRelease web: labelled, but missing.
    const owners = async (app: string, argocdNamespace = ns) => {
      const ctx = await k.context(app, { namespace: ns, app, gitops: { argocdNamespace } });
      return detectOwners(ctx.cluster, ctx.target);
    };

    const [elsewhere] = await owners('by-label', 'argocd');
    assert.deepEqual([elsewhere?.label, elsewhere?.exists, elsewhere?.autoSync], ['Argo CD Application argocd/shop', false, false], 'argocdNamespace says where to look');
    const [found] = await owners('by-label');
    assert.deepEqual([found?.label, found?.exists, found?.autoSync, found?.selfHeal, found?.appliedRevision], [`Argo CD Application ${ns}/shop`, true, true, true, 'c0ffee1']);
    assert.match(found?.revertsWhen ?? '', /within seconds/);

    const [tracked] = await owners('by-tracking');
    assert.deepEqual([tracked?.label, tracked?.autoSync, tracked?.selfHeal], [`Argo CD Application ${ns}/tracked`, true, false], 'the namespace comes from the app name');
    assert.match(tracked?.via ?? '', /tracking-id/);
    const [kustomization] = await owners('by-kustomize');
    assert.deepEqual([kustomization?.label, kustomization?.autoSync, kustomization?.interval, kustomization?.appliedRevision], [`Flux Kustomization ${ns}/apps`, true, '10m', 'main@sha1:abc123']);
    const [helm] = await owners('by-helm');
    assert.deepEqual([helm?.label, helm?.exists], [`Flux HelmRelease ${ns}/web`, false]);
    assert.deepEqual(await owners('plain'), []);
  });

  it('Argo CD with selfHeal: deploy refused without a flag; --pause-gitops pauses; incident resolve restores the exact policy', async () => {
    const s = await scenario('argo', () => ({ 'argocd.argoproj.io/instance': 'web' }), '');
    await g.create(s.ns, APPLICATION, 'web', { syncPolicy: { automated: { prune: true, selfHeal: true }, syncOptions: ['CreateNamespace=true'] } });
    const id = await s.incident();

    const refused = await s.cli('deploy', '--target=web', '--image=web:1.1');
    assert.equal(refused.code, 2, refused.err + refused.out);
    assert.match(refused.err, new RegExp(`GitOps will undo: Argo CD Application ${s.ns}/web .* within seconds[\\s\\S]*--pause-gitops[\\s\\S]*--ignore-gitops`));
    assert.equal(await k.image(s.ns, 'web'), 'web:1.0', 'nothing was written');
    assert.equal(existsSync(path.join(s.repo.work, '.git', 'hotfix', 'deploys', 'web.json')), false, 'no deploy state');
    assert.deepEqual(await automated(s.ns), { prune: true, selfHeal: true });

    const deployed = await s.cli('deploy', '--target=web', '--image=web:1.1', '--pause-gitops');
    assert.equal(deployed.code, 0, deployed.err + deployed.out);
    assert.match(deployed.out, new RegExp(`Paused auto-sync of Argo CD Application ${s.ns}/web \\(was \\{"prune":true,"selfHeal":true\\}\\)`));
    assert.match(deployed.out, new RegExp(`stays paused .*restored when ${id} is resolved`));
    assert.equal(await k.image(s.ns, 'web'), 'web:1.1');
    const paused = await g.get(s.ns, APPLICATION, 'web');
    assert.equal(await automated(s.ns), undefined);
    assert.deepEqual(paused.spec['syncPolicy'], { syncOptions: ['CreateNamespace=true'] }, 'only automated is removed');
    assert.equal(paused.metadata.annotations?.[PREVIOUS], '{"prune":true,"selfHeal":true}');
    assert.equal(paused.metadata.annotations?.[INCIDENT], id);
    assert.match(paused.metadata.annotations?.[PAUSED_BY] ?? '', /.+/);
    const state = JSON.parse(readFileSync(path.join(s.repo.work, '.git', 'hotfix', 'deploys', 'web.json'), 'utf8')) as DeployState;
    assert.deepEqual(state.meta.gitopsPaused?.map((p) => [p.label, p.previous, p.restoredAt]), [[`Argo CD Application ${s.ns}/web`, '{"prune":true,"selfHeal":true}', undefined]]);
    const paused1 = (await s.events(id)).find((e) => e.type === 'gitops-paused');
    assert.match(paused1?.restore ?? '', new RegExp(`restored when ${id} is resolved`));

    const status = await s.cli('gitops', 'status', '--target=web');
    assert.equal(status.code, 0, status.err);
    assert.match(status.out, new RegExp(`Argo CD Application ${s.ns}/web: auto-sync off[\\s\\S]*paused by .* for ${id}; previous policy \\{"prune":true,"selfHeal":true\\}`));

    const resolved = await s.cli('incident', 'resolve', `--id=${id}`, '--root-cause=null order', '--action-items=validate orders @ada');
    assert.equal(resolved.code, 0, resolved.err + resolved.out);
    assert.match(resolved.out, new RegExp(`Restored auto-sync of Argo CD Application ${s.ns}/web: \\{"prune":true,"selfHeal":true\\}`));
    const restored = await g.get(s.ns, APPLICATION, 'web');
    assert.deepEqual(restored.spec['syncPolicy'], { automated: { prune: true, selfHeal: true }, syncOptions: ['CreateNamespace=true'] });
    assert.deepEqual(Object.keys(restored.metadata.annotations ?? {}).filter((a) => a.startsWith('hotfix-deployer.io/')), [], 'our annotations are gone');
    const types = (await s.events(id)).map((e) => e.type);
    assert.ok(types.indexOf('gitops-paused') < types.indexOf('gitops-restored') && types.indexOf('gitops-restored') < types.indexOf('resolved'), types.join(', '));
  });

  it('a deploy that fails and rolls back restores auto-sync at once', async () => {
    const s = await scenario('argo-fail', () => ({ 'argocd.argoproj.io/instance': 'web' }), '      autoSync: pause\n');
    await g.create(s.ns, APPLICATION, 'web', { syncPolicy: { automated: { selfHeal: true } } });
    const id = await s.incident();
    const failed = await s.cli('deploy', '--target=web', '--image=web:broken');
    assert.equal(failed.code, 1, failed.err + failed.out);
    assert.match(failed.out, /Pausing auto-sync for this operation/);
    assert.match(failed.out, new RegExp(`Restored auto-sync of Argo CD Application ${s.ns}/web: \\{"selfHeal":true\\}`));
    assert.equal(await k.image(s.ns, 'web'), 'web:1.0');
    assert.deepEqual(await automated(s.ns), { selfHeal: true });
    const restored = (await s.events(id)).find((e) => e.type === 'gitops-restored');
    assert.match(restored?.reason ?? '', /rolled back/);
    const state = JSON.parse(readFileSync(path.join(s.repo.work, '.git', 'hotfix', 'deploys', 'web.json'), 'utf8')) as DeployState;
    assert.match(state.meta.gitopsPaused?.[0]?.restoredAt ?? '', /^\d{4}-/);
  });

  it('Flux: suspend true for the deploy (autoSync: pause), gitops restore puts suspend back to false', async () => {
    const s = await scenario('flux', (ns) => ({ 'kustomize.toolkit.fluxcd.io/name': 'apps', 'kustomize.toolkit.fluxcd.io/namespace': ns }), '      autoSync: pause\n');
    await g.create(s.ns, KUSTOMIZATION, 'apps', { interval: '5m', suspend: false });
    const deployed = await s.cli('deploy', '--target=web', '--image=web:1.1');
    assert.equal(deployed.code, 0, deployed.err + deployed.out);
    assert.match(deployed.out, new RegExp(`Paused auto-sync of Flux Kustomization ${s.ns}/apps \\(was \\{"suspend":false\\}\\)`));
    assert.match(deployed.out, /gitops restore --target=web/);
    assert.equal((await g.get(s.ns, KUSTOMIZATION, 'apps')).spec['suspend'], true);
    const restored = await s.cli('gitops', 'restore', '--target=web');
    assert.equal(restored.code, 0, restored.err + restored.out);
    const object = await g.get(s.ns, KUSTOMIZATION, 'apps');
    assert.equal(object.spec['suspend'], false);
    assert.equal(object.metadata.annotations?.[PAUSED_BY], undefined);
  });

  it("a teammate's re-enable meanwhile is not clobbered by the restore", async () => {
    const s = await scenario('reenable', (ns) => ({ 'helm.toolkit.fluxcd.io/name': 'web', 'helm.toolkit.fluxcd.io/namespace': ns, 'argocd.argoproj.io/instance': 'web' }), '');
    await g.create(s.ns, APPLICATION, 'web', { syncPolicy: { automated: { prune: true, selfHeal: true } } });
    await g.create(s.ns, HELMRELEASE, 'web', { interval: '1m' });
    const paused = await s.cli('gitops', 'pause', '--target=web');
    assert.equal(paused.code, 0, paused.err + paused.out);
    assert.match(paused.out, /Paused auto-sync of Argo CD Application[\s\S]*Paused auto-sync of Flux HelmRelease/);
    const again = await s.cli('gitops', 'pause', '--target=web');
    assert.match(again.out, /already paused by .*that pause is kept/);
    assert.equal((await g.get(s.ns, APPLICATION, 'web')).metadata.annotations?.[PREVIOUS], '{"prune":true,"selfHeal":true}', 'the original previous policy is kept');
    await g.patch(s.ns, APPLICATION, 'web', { spec: { syncPolicy: { automated: { prune: false } } } });
    const restored = await s.cli('gitops', 'restore', '--target=web');
    assert.equal(restored.code, 0, restored.err + restored.out);
    assert.match(restored.out, /Auto-sync of Argo CD Application .* was turned back on meanwhile \(\{"prune":false\}\); left as it is/);
    assert.match(restored.out, /Restored auto-sync of Flux HelmRelease .*\{"suspend":false\}/);
    const app = await g.get(s.ns, APPLICATION, 'web');
    assert.deepEqual(await automated(s.ns), { prune: false });
    assert.equal(app.metadata.annotations?.[PAUSED_BY], undefined);
    assert.equal((await g.get(s.ns, HELMRELEASE, 'web')).spec['suspend'], false);
  });

  it('--keep-gitops-paused keeps the pause and puts its restore in the resolution as an action item', async () => {
    const s = await scenario('keep', () => ({ 'argocd.argoproj.io/instance': 'web' }), '');
    await g.create(s.ns, APPLICATION, 'web', { syncPolicy: { automated: { prune: true } } });
    const id = await s.incident();
    assert.equal((await s.cli('deploy', '--target=web', '--image=web:1.1', '--pause-gitops')).code, 0);
    const resolved = await s.cli('incident', 'resolve', `--id=${id}`, '--root-cause=null order', '--keep-gitops-paused=the manifests still carry the bug; PR 12 @bo');
    assert.equal(resolved.code, 0, resolved.err + resolved.out);
    assert.match(resolved.out, /stays paused/);
    assert.equal(await automated(s.ns), undefined, 'still paused');
    const items = (await s.show(id)).actionItems;
    assert.equal(items.length, 1, JSON.stringify(items));
    assert.match(items[0]?.text ?? '', new RegExp(`^Restore auto-sync of Argo CD Application ${s.ns}/web \\(kept paused at the resolution of ${id}: the manifests still carry the bug, PR 12 \\(at\\)bo\\): hotfix-deployer gitops restore --target=web$`));
  });
});
