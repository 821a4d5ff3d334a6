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
