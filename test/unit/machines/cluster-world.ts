// A fake cluster world for the deploy, rollback and lock machines: the in-memory cluster, state
// store, audit log and clock that every process (killed or fresh) shares, and one target of each
// strategy with the objects it needs.

import assert from 'node:assert/strict';
import { resolveTarget, type Target } from '../../../src/core/config/targets';
import type { TargetConfig } from '../../../src/core/config/types';
import type { CanaryGate } from '../../../src/core/deploy/canary-gate';
import type { DeployContext } from '../../../src/core/deploy/context';
import { deploy } from '../../../src/core/deploy/deploy';
import { deployKey, type DeployState } from '../../../src/core/deploy/state';
import { succeeded, failed } from '../../../src/core/result';
import { KillSwitch } from '../fakes/kill-switch';
import { MemoryAudit } from '../fakes/memory-audit';
import { MemoryCluster } from '../fakes/memory-cluster';
import { MemoryStore } from '../fakes/memory-store';
import { ManualClock } from '../fakes/manual-clock';

export const ACTOR = 'Ada Oncall <ada@example.com>';
export const HTTPROUTE = { group: 'gateway.networking.k8s.io', plural: 'httproutes', kind: 'HTTPRoute' } as const;

export class ClusterWorld {
  readonly cluster = new MemoryCluster();
  readonly store = new MemoryStore();
  readonly audit = new MemoryAudit();
  readonly clock = new ManualClock();
  /** The target's metric gate, when it has one. */
  gate?: CanaryGate;
  /** How many smoke checks fail before they pass (Infinity: all of them). */
  smokeFailures = 0;
  /** Between looks at a rollout (the clock only moves). */
  pollMs = 1000;
  readonly target: Target;
  /** The Leases a killed process left (their resourceVersions): they hold until they expire. */
  private leftByTheDead = new Set<string>();

  constructor(config: TargetConfig) {
    const target = resolveTarget({ targets: { web: config } }, 'web');
    assert.ok(target.ok, JSON.stringify(target));
    this.target = target.value;
  }

  /** One process's context; `extra` for a signal, another actor, ... */
  context(kill = new KillSwitch(), extra: Partial<DeployContext> = {}): DeployContext {
    return {
      cluster: this.cluster.port(kill),
      store: this.store.port(kill),
      audit: this.audit.port(kill),
      clock: this.clock.port(kill),
      target: this.target,
      actor: ACTOR,
      origin: 'laptop-7 (pid 4242)',
      pollMs: this.pollMs,
      smoke: { run: () => Promise.resolve(this.smokeFailures-- > 0 ? failed('GET /healthz answered 503') : succeeded('GET /healthz answered 200')) },
      ...(this.gate ? { canaryGate: this.gate } : {}),
      ...extra,
    };
  }

  /** Called when the process was killed: what it left holding is its own, and expires. */
  killed(): void {
    this.leftByTheDead = new Set(this.cluster.leases.all().map((l) => l.resourceVersion));
  }

  last(): DeployState | undefined {
    return this.store.peek<DeployState>(deployKey(this.target.name));
  }

  /** What runs where once the controller caught up, what takes the traffic, the lock, and the saved operation's end: no ids, no times. */
  snapshot(): unknown {
    const c = this.cluster;
    c.settleAll();
    const state = this.last();
    const route = c.customObject(this.target.canary.route) as { rules?: { backendRefs?: { name: string; weight?: number }[] }[] } | undefined;
    return {
      deployments: Object.fromEntries(
        c.deploymentNames().map((name) => {
          const d = c.deployment(name);
          return [name, { images: d?.containers.map((x) => x.image), replicas: d?.replicas, available: d?.status.availableReplicas, revisions: c.history(name) }];
        }),
      ),
      services: Object.fromEntries(c.serviceNames().map((name) => [name, c.service(name)?.selector])),
      ...(route ? { route: route.rules?.map((r) => r.backendRefs?.map((b) => `${b.name}=${b.weight ?? 1}`)) } : {}),
      // Locks held by a live process: a killed process's lease holds until it expires (or is taken over).
      held: c.leases.held(this.clock.now(), this.leftByTheDead),
      operation: state && {
        outcome: state.outcome ?? 'unfinished',
        done: state.done,
        stoppedAt: state.stopped?.step,
        ...(state.canary ? { canary: state.canary.phase } : {}),
        ...(state.retiredAt !== undefined ? { retired: true } : {}),
      },
    };
  }
}

const metricGate = (failAt?: number): CanaryGate => ({
  name: 'error-rate',
  judge: (step) =>
    Promise.resolve(
      failAt !== undefined && step.weight >= failAt
        ? { pass: false, reason: `error rate 41% > 5% at ${step.weight}%`, measurements: [{ name: 'error rate', value: 0.41, threshold: 0.05, comparison: '<=' as const, outcome: 'fail' as const }] }
        : { pass: true, reason: 'error rate 0.2% <= 5%', measurements: [{ name: 'error rate', value: 0.002, threshold: 0.05, comparison: '<=' as const, outcome: 'pass' as const }] },
    ),
});

/** web: 3 replicas of web:1.0; a rollout takes four looks, 15 s apart (the lock is renewed meanwhile). */
export function rollingWorld(): ClusterWorld {
  const w = new ClusterWorld({ namespace: 'shop', app: 'web', strategy: 'rolling', progressDeadline: '5m' });
  w.cluster.seedDeployment({ name: 'web', replicas: 3, selector: { app: 'web' }, templateLabels: { app: 'web' }, containers: [{ name: 'app', image: 'web:1.0' }] });
  w.cluster.rolloutPolls = 4;
  w.pollMs = 15_000;
  return w;
}

/** web-blue (live, 3 × web:1.0) and web-green (idle, 1 × web:0.9) behind Service web; a smoke check. */
export function blueGreenWorld(keepOldFor = '0s'): ClusterWorld {
  const w = new ClusterWorld({ namespace: 'shop', app: 'web', strategy: 'blue-green', blueGreen: { keepOldFor }, smoke: { http: { url: 'http://web.shop/healthz' } } });
  for (const [colour, replicas, image] of [['blue', 3, 'web:1.0'], ['green', 1, 'web:0.9']] as const) {
    const labels = { app: 'web', colour };
    w.cluster.seedDeployment({ name: `web-${colour}`, replicas, selector: labels, templateLabels: labels, containers: [{ name: 'app', image }] });
  }
  w.cluster.seedService('web', { app: 'web', colour: 'blue' });
  w.cluster.rolloutPolls = 2;
  return w;
}

/**
 * web: 4 replicas of web:1.0 with track: stable, a metric gate; canary steps by replica ratio
 * (default 10 … 100%) or by a Gateway API HTTPRoute (50, 100%); a 20 s pause (the lock is renewed in it).
 */
export function canaryWorld(traffic: 'replicas' | 'gateway-api' = 'replicas', failAt?: number): ClusterWorld {
  const w = new ClusterWorld({
    namespace: 'shop',
    app: 'web',
    strategy: 'canary',
    canary: { pause: '20s', traffic, ...(traffic === 'gateway-api' ? { steps: [50, 100] } : {}) },
  });
  w.cluster.seedDeployment({ name: 'web', replicas: 4, selector: { app: 'web', track: 'stable' }, templateLabels: { app: 'web', track: 'stable' }, containers: [{ name: 'app', image: 'web:1.0' }] });
  if (traffic === 'replicas') {
    w.cluster.seedService('web', { app: 'web' });
  } else {
    w.cluster.seedService('web', { app: 'web', track: 'stable' });
    w.cluster.served.set(HTTPROUTE.group, ['v1']);
    w.cluster.seedCustomObject(HTTPROUTE, 'web', {
      parentRefs: [{ name: 'gateway' }],
      rules: [{ backendRefs: [{ name: 'web', port: 80, weight: 100 }, { name: 'web-canary', port: 80, weight: 0 }] }],
    });
  }
  w.gate = metricGate(failAt);
  w.cluster.rolloutPolls = 2;
  return w;
}

/** A canary deploy the person cancelled (Ctrl-C) while it shifted to its third step (50%). */
export async function cancelledCanary(): Promise<ClusterWorld> {
  const w = canaryWorld('replicas');
  const cancel = new AbortController();
  const passing = w.gate;
  const gate: CanaryGate = {
    name: 'error-rate',
    judge: (step, signal) => {
      if (step.weight === 25) cancel.abort();
      return passing ? passing.judge(step, signal) : Promise.resolve({ pass: true, reason: 'ok', measurements: [] });
    },
  };
  w.gate = gate;
  const outcome = await deploy(w.context(new KillSwitch(), { signal: cancel.signal }), { image: 'web:1.1', confirmed: true });
  assert.equal(outcome.kind, 'stopped', JSON.stringify(outcome));
  w.gate = passing;
  return w;
}

