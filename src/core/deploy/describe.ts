// The live state of a target, for `targets`, the Deployments view and the panel: what runs, which
// revision or colour, how many replicas are available, and any deploy left unfinished.

import type { DeployContext } from './context';
import { colours, revisionOf } from './rollout';
import { deployKey, type DeployState } from './state';

export interface TargetLiveState {
  readonly target: string;
  readonly strategy: string;
  readonly context: string;
  readonly server: string;
  readonly namespace: string;
  readonly protected: boolean;
  readonly deployments: readonly {
    readonly name: string;
    readonly images: readonly string[];
    readonly revision?: number;
    readonly replicas: number;
    readonly available: number;
    readonly live: boolean;
  }[];
  readonly liveColour?: string;
  readonly error?: string;
  readonly last?: DeployState;
}

export async function describeTarget(ctx: DeployContext): Promise<TargetLiveState> {
  const { cluster, target } = ctx;
  const base = {
    target: target.name,
    strategy: target.strategy,
    context: cluster.identity.context,
    server: cluster.identity.server,
    namespace: target.namespace,
    protected: target.protected,
  };
  const last = await ctx.store.read<DeployState>(deployKey(target.name));
  const withLast = last ? { last } : {};
  try {
    const names = target.strategy === 'blue-green' ? [`${target.app}-blue`, `${target.app}-green`] : target.strategy === 'canary' ? [target.app, `${target.app}-canary`] : [target.app];
    const found = await Promise.all(names.map((name) => cluster.getDeployment(target.namespace, name)));
    let liveColour: string | undefined;
    if (target.strategy === 'blue-green' && found[0] && found[1]) {
      const service = await cluster.getService(target.namespace, target.service);
      const c = service ? colours(service, found[0], found[1]) : undefined;
      if (c && !('error' in c)) liveColour = c.live;
    }
    const deployments = found.flatMap((d) => {
      if (!d) return [];
      const revision = revisionOf(d);
      return [{
        name: d.name,
        images: d.containers.map((c) => c.image),
        replicas: d.replicas,
        available: d.status.availableReplicas,
        live: liveColour === undefined ? d.name === target.app : d.name === `${target.app}-${liveColour}`,
        ...(revision !== undefined ? { revision } : {}),
      }];
    });
    if (deployments.length === 0) return { ...base, deployments, error: `no Deployment ${names.join(' or ')} in ${target.namespace}`, ...withLast };
    return { ...base, deployments, ...(liveColour ? { liveColour } : {}), ...withLast };
  } catch (error) {
    return { ...base, deployments: [], error: error instanceof Error ? error.message : String(error), ...withLast };
  }
}
