// Realistic host messages for the webview tier: an incident with a timeline, and a canary at step 2.

const T0 = Date.parse('2025-11-27T10:00:00Z');
export const iso = (ms) => new Date(ms).toISOString();

export function incident(over = {}) {
  return {
    id: 'INC-2025-0042', title: 'Payment Gateway Down', severity: 'SEV1', status: 'identified',
    declaredAt: iso(T0), commander: 'dana', eta: '15 minutes',
    links: [
      { kind: 'war-room', label: 'War room', url: 'https://chat.example.invalid/room/42' },
      { kind: 'status-page', label: 'Status page', url: 'https://status.example.invalid/incidents/42' },
    ],
    nextStatuses: ['monitoring', 'resolved'],
    ...over,
  };
}

const TYPES = ['declared', 'status', 'note', 'deploy', 'gate-verdict', 'rollback'];

/** `n` entries, one every 7 s from the declaration, the types in turn; gate verdicts carry numbers. */
export function entries(n, from = 0) {
  return Array.from({ length: n }, (_, k) => {
    const i = from + k;
    const type = i === 0 ? 'declared' : TYPES[1 + (i % (TYPES.length - 1))];
    const e = { id: `e${i}`, at: iso(T0 + i * 7000), type, actor: i % 3 ? 'dana' : 'hotfix-deployer', text: `Event number ${i}: ${type}` };
    if (type === 'gate-verdict') {
      return { ...e, pass: i % 2 === 0, numbers: [{ gate: 'error-rate', value: 0.079, threshold: 0.01, comparison: '<=', window: '5m', verdict: 'fail' }] };
    }
    if (type === 'note' && i % 10 === 1) return { ...e, corrections: ['the time was 10:03, not 10:02'] };
    return e;
  });
}

export function canary(over = {}) {
  const start = Date.now() - 6 * 60_000;
  const points = (f) => Array.from({ length: 24 }, (_, i) => [start + i * 15_000, f(i)]);
  return {
    target: 'production', image: 'registry.example.invalid/pay:1.4.3-hotfix.1', strategy: 'canary',
    startedAt: iso(start), actor: 'dana', steps: [10, 25, 50, 75, 100], index: 1, weight: 25, phase: 'paused',
    pausedAt: iso(Date.now() - 80_000), pauseMs: 300_000, outcome: 'running', controllable: true,
    stable: { name: 'pay', image: 'registry.example.invalid/pay:1.4.2', revision: 17, ready: 4, replicas: 4 },
    canary: { name: 'pay-canary', image: 'registry.example.invalid/pay:1.4.3-hotfix.1', revision: 18, ready: 1, replicas: 1 },
    verdicts: [
      { step: 1, weight: 10, pass: true, reason: 'all gates passed', at: iso(start + 120_000),
        numbers: [{ gate: 'error-rate', value: 0.004, threshold: 0.01, comparison: '<=', window: '5m', verdict: 'pass' },
          { gate: 'latency-p99', value: 0.182, threshold: 0.5, comparison: '<=', window: '5m', verdict: 'pass' }] },
      { step: 2, weight: 25, pass: false, reason: 'error-rate above its maximum', at: iso(start + 300_000),
        numbers: [{ gate: 'error-rate', value: 0.079, threshold: 0.01, comparison: '<=', window: '5m', baseline: 0.004, verdict: 'fail' }] },
    ],
    series: [
      { gate: 'error-rate', unit: 'ratio', threshold: 0.01, comparison: '<=', points: points((i) => (i < 12 ? 0.004 : 0.02 + i * 0.0025)) },
      { gate: 'latency-p99', unit: 'seconds', threshold: 0.5, comparison: '<=', points: points((i) => 0.15 + (i % 5) * 0.02) },
    ],
    ...over,
  };
}

/** The failure line the engine's explainRun writes for the failed run below (src/core/rollouts/analysis.ts). */
export const ROLLOUT_FAILURE = 'AnalysisRun cart-7c9b5d-2-1 failed: metric error-rate measured 0.12 (failed 1 of 1 measurement, failureLimit 0): failureCondition result > 0.05';

/**
 * An argo-rollout target as the host sends it (src/extension/panel/rollout-view.ts): Rollout `cart`
 * aborted by a failed step analysis (Degraded), its stable at cart:1.0 and its canary at cart:1.1,
 * one failed AnalysisRun and an older successful one. `rollout` overrides fields of the Rollout.
 */
export function rolloutCanary(rollout = {}, over = {}) {
  const start = Date.parse('2025-11-27T10:00:00Z');
  return {
    target: 'cart', image: 'registry.example.invalid/cart:1.1', strategy: 'argo-rollout', startedAt: '', actor: '',
    steps: [], index: -1, weight: 0, phase: 'Degraded', pauseMs: 0, outcome: 'failed', controllable: false,
    verdicts: [], series: [],
    rollout: {
      name: 'cart', namespace: 'shop', strategy: 'canary', phase: 'Degraded',
      message: 'RolloutAborted: Rollout aborted update to revision 2: Metric "error-rate" assessed Failed due to failed (1) > failureLimit (0)',
      stepLine: 'step 0/3 (setWeight 50), weight 0%', step: 0, setWeight: 0, actualWeight: 0,
      awaitingPromotion: false, aborted: true, paused: false,
      steps: [{ text: 'setWeight 50', state: 'current' }, { text: 'analysis error-rate', state: 'pending' }, { text: 'pause (until promoted)', state: 'pending' }],
      stable: { name: 'cart-6f7d4c', images: ['registry.example.invalid/cart:1.0'], ready: 2, replicas: 2, revision: 1 },
      canary: { name: 'cart-7c9b5d', images: ['registry.example.invalid/cart:1.1'], ready: 0, replicas: 0, revision: 2 },
      analysisRuns: [
        { name: 'cart-7c9b5d-2-1', phase: 'Failed', message: 'Metric "error-rate" assessed Failed due to failed (1) > failureLimit (0)',
          failure: ROLLOUT_FAILURE, type: 'Step', step: 2, revision: 2,
          metrics: [{ name: 'error-rate', provider: 'web: GET http://127.0.0.1:8125/error-rate ({$.errorRate})', phase: 'Failed',
            failureCondition: 'result > 0.05', failureLimit: '0', counts: '1 failed, 0 successful of 1 (count 1)',
            measurements: [{ phase: 'Failed', value: '0.12', at: iso(start + 30_000) }] }] },
        { name: 'cart-6f7d4c-1-1', phase: 'Successful', type: 'Step', step: 2, revision: 1,
          metrics: [{ name: 'error-rate', provider: 'web: GET http://127.0.0.1:8125/error-rate ({$.errorRate})', phase: 'Successful',
            failureCondition: 'result > 0.05', successCondition: 'result <= 0.05', failureLimit: '0', counts: '0 failed, 1 successful of 1 (count 1)',
            measurements: [{ phase: 'Successful', value: '0.01', at: iso(start - 3_600_000) }] }] },
      ],
      failure: ROLLOUT_FAILURE,
      actions: [],
      ...rollout,
    },
    ...over,
  };
}
