import assert from 'node:assert/strict';
import type { CustomObjectView } from '../../src/core/deploy/ports';
import { inspectOwner, ownerRefs, type GitOpsOwner, type OwnerRef } from '../../src/core/gitops/detect';
import { pausedInTimeline, planGuard, restoreActionItem, restoreInstruction, restoreRemedy } from '../../src/core/gitops/guard';
import { PAUSED_BY, PAUSE_INCIDENT, PREVIOUS, pauseMark, planPause, planRestore } from '../../src/core/gitops/marks';
import { parseActionItems } from '../../src/core/incident/parse';

const object = (spec: Record<string, unknown>, annotations: Record<string, string> = {}, status?: Record<string, unknown>): CustomObjectView => ({
  name: 'web',
  resourceVersion: '42',
  labels: {},
  annotations,
  spec,
  ...(status ? { status } : {}),
});

const ARGO: OwnerRef = { controller: 'argocd', kind: 'Application', namespace: 'argocd', name: 'web', via: 'label on Deployment web' };
const FLUX: OwnerRef = { controller: 'flux', kind: 'Kustomization', namespace: 'flux-system', name: 'apps', via: 'label on Deployment web' };

describe('gitops: who owns a target', () => {
  it('reads the Argo CD instance label, with and without a namespace prefix', () => {
    const refs = ownerRefs(
      [
        { what: 'Deployment web', labels: { 'argocd.argoproj.io/instance': 'web' }, annotations: {} },
        { what: 'Deployment web-canary', labels: { 'argocd.argoproj.io/instance': 'team-a_web' }, annotations: {} },
      ],
      'argocd',
      'shop',
    );
    assert.deepEqual(
      refs.map((r) => [r.controller, r.kind, r.namespace, r.name]),
      [
        ['argocd', 'Application', 'argocd', 'web'],
        ['argocd', 'Application', 'team-a', 'web'],
      ],
    );
  });

  it('reads the tracking-id annotation, and names each owner once', () => {
    const refs = ownerRefs(
      [
        { what: 'Deployment web', labels: { 'argocd.argoproj.io/instance': 'web' }, annotations: { 'argocd.argoproj.io/tracking-id': 'web:apps/Deployment:shop/web' } },
        { what: 'Service web', labels: {}, annotations: { 'argocd.argoproj.io/tracking-id': 'ops_web:/Service:shop/web' } },
      ],
      'gitops',
      'shop',
    );
    assert.deepEqual(refs.map((r) => `${r.namespace}/${r.name}`), ['gitops/web', 'ops/web']);
    assert.match(refs[1]?.via ?? '', /annotation argocd\.argoproj\.io\/tracking-id=ops_web:\/Service:shop\/web on Service web/);
  });

  it('reads the Flux Kustomization and HelmRelease labels with their namespaces', () => {
    const refs = ownerRefs(
      [
        {
          what: 'Deployment web',
          labels: { 'kustomize.toolkit.fluxcd.io/name': 'apps', 'kustomize.toolkit.fluxcd.io/namespace': 'flux-system', 'helm.toolkit.fluxcd.io/name': 'web' },
          annotations: {},
        },
      ],
      'argocd',
      'shop',
    );
    assert.deepEqual(refs.map((r) => [r.kind, r.namespace, r.name]), [
      ['Kustomization', 'flux-system', 'apps'],
      ['HelmRelease', 'shop', 'web'],
    ]);
  });

  it('finds nothing on unlabelled objects', () => {
    assert.deepEqual(ownerRefs([{ what: 'Deployment web', labels: { app: 'web' }, annotations: {} }], 'argocd', 'shop'), []);
  });
});

describe('gitops: what the controller will do', () => {
  it('Argo CD with selfHeal reverts within seconds; without, at the next sync; off, only by hand', () => {
    const heal = inspectOwner(ARGO, object({ syncPolicy: { automated: { prune: true, selfHeal: true } } }, {}, { sync: { revision: 'abc123' } }));
    assert.equal(heal.autoSync, true);
    assert.equal(heal.selfHeal, true);
    assert.match(heal.revertsWhen, /within seconds/);
    assert.equal(heal.appliedRevision, 'abc123');
    assert.equal(heal.label, 'Argo CD Application argocd/web');
    assert.match(inspectOwner(ARGO, object({ syncPolicy: { automated: {} } })).revertsWhen, /next automated sync/);
    const off = inspectOwner(ARGO, object({ syncPolicy: {} }));
    assert.equal(off.autoSync, false);
    assert.match(off.revertsWhen, /manual sync/);
    assert.equal(inspectOwner(ARGO, object({ syncPolicy: { automated: { enabled: false } } })).autoSync, false, 'Argo CD 3: enabled false');
  });

  it('Flux reverts at its interval unless suspended, with the applied revision', () => {
    const live = inspectOwner(FLUX, object({ interval: '10m' }, {}, { lastAppliedRevision: 'main@sha1:abc' }));
    assert.equal(live.autoSync, true);
    assert.match(live.revertsWhen, /every 10m/);
    assert.equal(live.appliedRevision, 'main@sha1:abc');
    assert.equal(inspectOwner(FLUX, object({ suspend: true })).autoSync, false);
  });

  it('a labelled owner that is missing is a warning, not a blocker', () => {
    const missing = inspectOwner(ARGO, undefined, { group: 'argoproj.io', version: 'v1alpha1', plural: 'applications', kind: 'Application' });
    assert.equal(missing.exists, false);
    assert.match(missing.revertsWhen, /was not found/);
    const plan = planGuard([missing], 'ask', 'deploying web:2');
    assert.equal(plan.kind, 'clear');
    assert.match(plan.notes[0] ?? '', /^warning: .*Argo CD Application argocd\/web/);
  });
});

describe('gitops: pause and restore decisions', () => {
  const input = { actor: 'Ada <ada@example.com>', at: '2026-01-01T00:00:00.000Z', incident: 'INC-20260101-AAAA' };

  it('Argo CD: removes automated with a compare-and-swap, keeping the policy on the object', () => {
    const plan = planPause('argocd', object({ syncPolicy: { automated: { prune: true, selfHeal: true }, syncOptions: ['x'] } }), input);
    assert.equal(plan.kind, 'pause');
    if (plan.kind !== 'pause') return;
    assert.equal(plan.previous, '{"prune":true,"selfHeal":true}');
    assert.deepEqual(plan.patch, {
      metadata: {
        resourceVersion: '42',
        annotations: { [PAUSED_BY]: input.actor, 'hotfix-deployer.io/paused-at': input.at, [PREVIOUS]: plan.previous, [PAUSE_INCIDENT]: input.incident },
      },
      spec: { syncPolicy: { automated: null } },
    });
  });

  it('Flux: suspends, recording what suspend was', () => {
    const plan = planPause('flux', object({ interval: '5m' }), input);
    assert.equal(plan.kind, 'pause');
    if (plan.kind !== 'pause') return;
    assert.equal(plan.previous, '{"suspend":false}');
    assert.deepEqual((plan.patch as { spec: unknown }).spec, { suspend: true });
  });

  it('already paused by us: no second pause (the original previous policy is kept); not syncing: nothing to pause', () => {
    const paused = object({ syncPolicy: {} }, { [PAUSED_BY]: 'Bo', [PREVIOUS]: '{"prune":true}' });
    const plan = planPause('argocd', paused, input);
    assert.equal(plan.kind, 'already-paused');
    assert.equal(plan.kind === 'already-paused' && plan.mark.previous, '{"prune":true}');
    assert.equal(planPause('argocd', object({ syncPolicy: {} }), input).kind, 'not-syncing');
    assert.equal(planPause('flux', object({ suspend: true }), input).kind, 'not-syncing');
  });

  it('restore puts back exactly the previous policy and removes every mark', () => {
    const paused = object({ syncPolicy: { automated: null } }, { [PAUSED_BY]: 'Bo', [PREVIOUS]: '{"prune":true,"selfHeal":true}', [PAUSE_INCIDENT]: 'INC-1' });
    const plan = planRestore('argocd', paused);
    assert.equal(plan.kind, 'restore');
    const patch = plan.kind === 'restore' ? (plan.patch as { metadata: { annotations: Record<string, null> }; spec: unknown }) : undefined;
    assert.deepEqual(patch?.spec, { syncPolicy: { automated: { prune: true, selfHeal: true } } });
    assert.ok(Object.values(patch?.metadata.annotations ?? { x: 1 }).every((v) => v === null));
    assert.ok(PAUSED_BY in (patch?.metadata.annotations ?? {}));
    const flux = planRestore('flux', object({ suspend: true }, { [PAUSED_BY]: 'Bo', [PREVIOUS]: '{"suspend":false}' }));
    assert.deepEqual(flux.kind === 'restore' && (flux.patch as { spec: unknown }).spec, { suspend: false });
  });

  it('a re-enable meanwhile is not overwritten: only our marks go', () => {
    const reenabled = object({ syncPolicy: { automated: { prune: false } } }, { [PAUSED_BY]: 'Bo', [PREVIOUS]: '{"prune":true,"selfHeal":true}' });
    const plan = planRestore('argocd', reenabled);
    assert.equal(plan.kind, 'changed-meanwhile');
    assert.equal(plan.kind === 'changed-meanwhile' && plan.now, '{"prune":false}');
    assert.equal((plan as { patch: { spec?: unknown } }).patch.spec, undefined);
    assert.equal(planRestore('flux', object({ suspend: false }, { [PAUSED_BY]: 'Bo', [PREVIOUS]: '{"suspend":false}' })).kind, 'changed-meanwhile');
  });

  it('not paused, or an unreadable mark: nothing is written or guessed', () => {
    assert.equal(planRestore('argocd', object({ syncPolicy: {} })).kind, 'not-paused');
    assert.equal(planRestore('argocd', object({ syncPolicy: {} }, { [PAUSED_BY]: 'Bo', [PREVIOUS]: 'nope' })).kind, 'unreadable');
    assert.equal(pauseMark({ [PAUSED_BY]: 'Bo' }), undefined, 'a mark needs the previous policy');
  });
});

describe('gitops: the guard before a deploy or rollback', () => {
  const reverting = inspectOwner(ARGO, object({ syncPolicy: { automated: { selfHeal: true } } }));
  const off: GitOpsOwner = inspectOwner(FLUX, object({ suspend: true }));

  it('asks by default, pauses or warns by config, and the flag wins', () => {
    assert.equal(planGuard([], 'ask', 'deploying x').kind, 'clear');
    assert.equal(planGuard([off], 'ask', 'deploying x').kind, 'clear');
    const ask = planGuard([reverting, off], 'ask', 'deploying web:2');
    assert.equal(ask.kind, 'ask');
    assert.match(ask.kind === 'ask' ? ask.warning : '', /deploying web:2 is an imperative change that GitOps will undo: Argo CD Application argocd\/web .* within seconds/);
    assert.equal(planGuard([reverting], 'pause', 'x').kind, 'pause');
    assert.equal(planGuard([reverting], 'warn', 'x').kind, 'warn');
    assert.equal(planGuard([reverting], 'warn', 'x', 'pause').kind, 'pause');
    assert.equal(planGuard([reverting], 'pause', 'x', 'ignore').kind, 'warn');
  });

  it('says how a pending pause is restored, and its action item parses as one item', () => {
    assert.match(restoreInstruction('prod', 'INC-1'), /restored when INC-1 is resolved, or now by restoring GitOps auto-sync of prod/);
    assert.doesNotMatch(`${restoreInstruction('prod', 'INC-1')} ${restoreInstruction('prod', undefined)}`, /hotfix-deployer|--/, 'no CLI words: each front end renders the remedy');
    assert.deepEqual(restoreRemedy('prod'), { operation: 'gitops.restore', options: { target: 'prod' } });
    const item = restoreActionItem('Argo CD Application argocd/web', 'prod', 'waiting on the fix; ask @bo');
    const parsed = parseActionItems(item);
    assert.ok(parsed.ok);
    assert.equal(parsed.ok && parsed.value.length, 1);
    assert.equal(parsed.ok && parsed.value[0]?.owner, undefined);
    assert.match(item, /^Restore auto-sync of Argo CD Application argocd\/web \(waiting on the fix, ask \(at\)bo\): restore GitOps auto-sync of target prod$/);
    // The front end that resolves words the restore (the CLI: its command line).
    const worded = restoreActionItem('Argo CD Application argocd/web', 'prod', 'kept', 'hotfix-deployer gitops restore --target=prod');
    assert.match(worded, /^Restore auto-sync of Argo CD Application argocd\/web \(kept\): hotfix-deployer gitops restore --target=prod$/);
  });
});

describe('gitops: what an incident still has paused', () => {
  it('reads the timeline: paused and not restored since', () => {
    const events = [
      { type: 'gitops-paused' as const, target: 'prod', object: 'A', previous: '{}', restore: 'r' },
      { type: 'gitops-paused' as const, target: 'prod', object: 'B', previous: '{"suspend":false}', restore: 'r' },
      { type: 'gitops-restored' as const, target: 'prod', object: 'A' },
    ];
    assert.deepEqual(pausedInTimeline(events), [{ target: 'prod', object: 'B', previous: '{"suspend":false}' }]);
  });
});
