// Everything a deploy or rollback needs, passed in by the front end: ports, the resolved target,
// who is acting, and how long to wait between looks at the cluster.

import type { SmokeConfig } from '../config/types';
import type { Target } from '../config/targets';
import type { AuditLog, Clock, StateStore } from '../ports';
import type { Result } from '../result';
import type { CanaryGate, GateVerdict } from './canary-gate';
import type { HelmReleases } from './helm-ports';
import type { Cluster } from './ports';

/** Runs a target's smoke check (an HTTP GET or a command); the verification capability adds more. */
export interface SmokeRunner {
  run(check: SmokeConfig, signal?: AbortSignal): Promise<Result<string>>;
}

export type DeployProgress = (message: string) => void;

/** What happened, as data, for the front ends' incident timeline and panel (progress is the words). */
export type DeployEvent = {
  readonly type: 'canary-gate';
  readonly operation: string;
  /** 1-based. */
  readonly step: number;
  readonly of: number;
  readonly weight: number;
  readonly gate: string;
  readonly verdict: GateVerdict;
};

export interface DeployContext {
  readonly cluster: Cluster;
  /** The team's helm, for a target that is a Helm release; absent: such a target is refused. */
  readonly helm?: HelmReleases;
  readonly store: StateStore;
  readonly audit: AuditLog;
  readonly clock: Clock;
  readonly target: Target;
  /** `Name <email>` of the person (git identity), for the lock and the audit trail. */
  readonly actor: string;
  /** Where the operation runs, for the lock holder: host and process id. */
  readonly origin: string;
  readonly smoke?: SmokeRunner;
  /** Judged at every canary step after readiness; the verification capability supplies metric gates. */
  readonly canaryGate?: CanaryGate;
  /** Between looks at a rollout; short in tests. */
  readonly pollMs?: number;
  readonly progress?: DeployProgress;
  readonly onEvent?: (event: DeployEvent) => void;
  readonly signal?: AbortSignal;
}

export async function record(ctx: DeployContext, action: string, details: Readonly<Record<string, string | number | boolean>>, before?: string, after?: string): Promise<void> {
  await ctx.audit.append({
    at: ctx.clock.now().toISOString(),
    actor: ctx.actor,
    action,
    subject: `${ctx.cluster.identity.context}/${ctx.target.namespace}/${ctx.target.name}`,
    ...(before !== undefined ? { before } : {}),
    ...(after !== undefined ? { after } : {}),
    details,
  });
}
