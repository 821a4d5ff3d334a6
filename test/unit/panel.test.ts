// The panel's data and protocol, without VS Code: what the host accepts from the page, and the
// views it sends (plain text, links only from the incident, forward statuses, appended events).

import assert from 'node:assert/strict';
import { foldIncident } from '../../src/core/incident/fold';
import type { IncidentEvent } from '../../src/core/incident/events';
import { appended, canaryView, incidentView, timelineEntries } from '../../src/extension/panel/views';
import { isHostToWebview, isWebviewToHost } from '../../src/shared/protocol';
import type { DeployState } from '../../src/core/deploy/state';

const at = (m: number) => new Date(Date.UTC(2026, 10, 27, 10, m)).toISOString();
const events: IncidentEvent[] = [
  { id: 'e1', at: at(0), actor: 'Ada <ada@example.com>', type: 'declared', title: '<img src=x onerror=alert(1)>', severity: 'SEV1', impact: { level: 'high' }, warRoom: 'https://meet.example/war', commander: 'Ada' },
  { id: 'e2', at: at(1), actor: 'Ada', type: 'hotfix-created', branch: 'hotfix/PROD-2847-payment', issueKey: 'PROD-2847' },
  { id: 'e3', at: at(2), actor: 'Ada', type: 'link-added', kind: 'other', url: 'javascript:alert(1)', label: 'bad' },
  { id: 'e5', at: at(4), actor: 'Ada', type: 'manifests-prepared', target: 'production', repo: '/src/infra', branch: 'hotfix/production-rollback-1-3', commit: 'a'.repeat(40), summary: 'Reverted', pullRequest: 'https://github.com/acme/infra/compare/main...hotfix/production-rollback-1-3?expand=1' },
  { id: 'e6', at: at(5), actor: 'Ada', type: 'manifests-prepared', target: 'production', repo: '/src/infra', branch: 'b', commit: 'b'.repeat(40), summary: 'x', pullRequest: 'file:///etc/passwd' },
  { id: 'e4', at: at(3), actor: 'Ada', type: 'gate-verdict', target: 'production', pass: false, reason: 'error-rate 7.9% > 1%', step: 'step 2 of 5 (25%)', measurements: [{ gate: 'error-rate', value: 0.079, threshold: 0.01, comparison: '<=' }] },
];

describe('panel: protocol guards and views', () => {
  it('accepts only well-formed messages from the page', () => {
    assert.equal(isWebviewToHost({ kind: 'ready' }), true);
    assert.equal(isWebviewToHost({ kind: 'canary-action', id: 'r1', action: 'promote', target: 'web' }), true);
    assert.equal(isWebviewToHost({ kind: 'canary-action', id: 'r1', action: 'delete-namespace', target: 'web' }), false);
    assert.equal(isWebviewToHost({ kind: 'canary-action', id: 'r1', action: 'abort', target: 'web; rm -rf /' }), false);
    assert.equal(isWebviewToHost({ kind: 'add-note', id: 'r2', incident: 'INC-1', text: '   ' }), false, 'an empty note');
    assert.equal(isWebviewToHost({ kind: 'add-note', id: 'r2', incident: 'INC-1', text: 'x'.repeat(10_001) }), false, 'a note too long');
    assert.equal(isWebviewToHost({ kind: 'state', state: { tab: 'other' } }), false);
    assert.equal(isWebviewToHost({ kind: 'run', command: 'x' }), false);
    assert.equal(isWebviewToHost(null), false);
    assert.equal(isHostToWebview({ kind: 'hello', protocol: 2, tab: 'canary' }), true);
    assert.equal(isHostToWebview({ kind: 'hello', protocol: 2 }), false);
  });

  it('sends the incident as plain text with web links only, and forward statuses', () => {
    const folded = foldIncident('INC-1', events);
    assert.ok(folded.ok, folded.ok ? '' : folded.reason);
    const view = incidentView(folded.value, (key) => `https://tracker.example/browse/${key}`);
    assert.equal(view.title, '<img src=x onerror=alert(1)>', 'the title as written: the page sets it as text');
    assert.deepEqual(view.links.map((l) => [l.kind, l.url]), [
      ['war-room', 'https://meet.example/war'],
      ['other', 'https://github.com/acme/infra/compare/main...hotfix/production-rollback-1-3?expand=1'],
      ['tracker', 'https://tracker.example/browse/PROD-2847'],
    ], 'the manifests pull request is a link; a file: address is not');
    assert.deepEqual(view.nextStatuses, ['identified', 'monitoring']);
    const entries = timelineEntries(folded.value).filter((e) => e.type !== 'manifests-prepared');
    assert.equal(entries.length, 4);
    assert.equal(entries[3]?.pass, false);
    assert.deepEqual(entries[3]?.numbers, [{ gate: 'error-rate', value: 0.079, threshold: 0.01, comparison: '<=' }]);
    assert.match(entries[3]?.text ?? '', /^Gate failed on production at step 2 of 5 \(25%\): error-rate 7.9% > 1%$/);
    assert.deepEqual(appended(['e1', 'e2'], entries)?.map((e) => e.id), ['e3', 'e4']);
    assert.equal(appended(['e1', 'x'], entries), undefined, 'a changed history is sent whole');
  });

  it('shows a canary deploy: steps, verdicts with numbers, the outcome', () => {
    const state = {
      version: 1, id: 'op', target: 'web', strategy: 'canary', context: 'c', namespace: 'n', image: 'web:2', startedAt: at(0), actor: 'Ada', meta: {}, plan: [], done: ['lock', 'preflight'],
      canary: {
        steps: [10, 25, 50, 75, 100], traffic: 'replicas', pauseMs: 60_000, index: 1, weight: 25, phase: 'paused', pausedAt: at(2),
        verdicts: [{ step: 1, weight: 10, gate: 'verification', at: at(1), verdict: { pass: true, reason: 'error-rate 0% <= 1%', measurements: [{ name: 'error-rate', value: 0, threshold: 0.01, comparison: '<=', outcome: 'pass' }] } }],
      },
    } as unknown as DeployState;
    const view = canaryView({ state, target: 'web', app: 'web', series: [], running: true });
    assert.equal(view?.outcome, 'running');
    assert.equal(view?.index, 1);
    assert.equal(view?.controllable, true);
    assert.deepEqual(view?.verdicts[0]?.numbers, [{ gate: 'error-rate', value: 0, threshold: 0.01, comparison: '<=', verdict: 'pass' }]);
    assert.equal(canaryView({ state: undefined, target: 'web', app: 'web', series: [], running: false }), undefined);
  });

  it('shows the HPA of an autoscaled canary target: the bounds the canary holds it at, and its own', () => {
    const state = { version: 1, id: 'op-7', target: 'web', strategy: 'canary', context: 'c', namespace: 'n', image: 'web:2', startedAt: at(0), actor: 'Ada', meta: {}, plan: [], done: ['lock'], canary: { steps: [25, 100], traffic: 'replicas', pauseMs: 1000, index: 0, weight: 25, phase: 'paused' } } as unknown as DeployState;
    const live = {
      target: 'web', strategy: 'canary', context: 'c', server: 's', namespace: 'n', protected: false,
      deployments: [{ name: 'web', kind: 'Deployment', images: ['web:1'], replicas: 3, available: 3, live: true }, { name: 'web-canary', kind: 'Deployment', images: ['web:2'], replicas: 1, available: 1, live: false }],
      autoscalers: [{ deployment: 'web', name: 'web', minReplicas: 3, maxReplicas: 3, currentReplicas: 3, desiredReplicas: 3, pinned: { by: 'op-7', before: { minReplicas: 4, maxReplicas: 10 } } }],
    } as const;
    const view = canaryView({ state, live, target: 'web', app: 'web', series: [], running: false });
    assert.equal(view?.autoscaler, 'HPA web scales web: min 3, max 3, current 3, desired 3; held for operation op-7 (its own bounds: min 4, max 10)');
    assert.deepEqual([view?.stable?.replicas, view?.canary?.replicas], [3, 1]);
  });
});
