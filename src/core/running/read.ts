// Reads what a target runs now (the live Deployment for its strategy, the ReplicaSet of its current
// revision, every container's image) and maps the target's container to a commit of the repository.

import type { Target } from '../config/targets';
import { CONFIG_PATH } from '../config/types';
import type { GitRepo } from '../hotfix/ports';
import type { Cluster, DeploymentView, PodTemplate } from '../deploy/ports';
import { canaryName } from '../deploy/canary-plan';
import { colours, revisionOf } from '../deploy/rollout';
import { failed, succeeded, type Result } from '../result';
import { parseImageRef } from './image-ref';
import { mapToCommit } from './rules';
import type { RunningImage, RunningRevision } from './types';

export interface RunningPorts {
  readonly cluster: Cluster;
  readonly git: GitRepo;
}

export function templateAnnotations(template: PodTemplate): Readonly<Record<string, string>> {
  const metadata = template['metadata'] as { annotations?: Record<string, string> } | undefined;
  return metadata?.annotations ?? {};
}

async function liveDeployment(cluster: Cluster, target: Target): Promise<Result<DeploymentView>> {
  const where = `in namespace ${target.namespace} (context ${cluster.identity.context})`;
  const get = async (name: string) => {
    const d = await cluster.getDeployment(target.namespace, name);
    return d ? succeeded(d) : failed(`Deployment ${name} was not found ${where}.`, `Check targets.${target.name} (namespace, app) in ${CONFIG_PATH} and the kube context.`);
  };
  if (target.strategy !== 'blue-green') return get(target.app);
  const service = await cluster.getService(target.namespace, target.service);
  if (!service) return failed(`Service ${target.service} was not found ${where}.`, `Check targets.${target.name}.service in ${CONFIG_PATH}.`);
  const blue = await get(`${target.app}-blue`);
  if (!blue.ok) return blue;
  const green = await get(`${target.app}-green`);
  if (!green.ok) return green;
  const c = colours(service, blue.value, green.value);
  if ('error' in c) return failed(c.error, 'Blue-green needs <app>-blue and <app>-green behind one Service.');
  return succeeded(c.live === 'blue' ? blue.value : green.value);
}

function targetContainer(target: Target, images: readonly RunningImage[], deployment: string): Result<RunningImage> {
  const wanted = target.container;
  const found = wanted !== undefined ? images.find((i) => i.container === wanted) : images.length === 1 ? images[0] : undefined;
  if (found) return succeeded(found);
  return wanted !== undefined
    ? failed(`Deployment ${deployment} has no container "${wanted}" (it has ${images.map((i) => i.container).join(', ')}).`, `Fix targets.${target.name}.container in ${CONFIG_PATH}.`)
    : failed(`Deployment ${deployment} has ${images.length} containers (${images.map((i) => i.container).join(', ')}); which one is the app?`, `Set targets.${target.name}.container in ${CONFIG_PATH}.`);
}

/** What the target runs and, when a rule maps it, the commit; `tried` says why each rule before did not. */
export async function readRunning(ports: RunningPorts, target: Target, settings: { readonly tagPrefix: string }): Promise<Result<RunningRevision>> {
  const { cluster, git } = ports;
  const live = await liveDeployment(cluster, target);
  if (!live.ok) return live;
  const d = live.value;
  const images: RunningImage[] = d.containers.map((c) => ({ container: c.name, image: c.image, ...parseImageRef(c.image) }));
  const image = targetContainer(target, images, d.name);
  if (!image.ok) return image;
  // The ReplicaSet of the current revision carries the template the pods were made from.
  const revision = revisionOf(d);
  const [replicaSets, canary] = await Promise.all([
    cluster.replicaSets(d),
    target.strategy === 'canary' ? cluster.getDeployment(target.namespace, canaryName(target.app)) : Promise.resolve(undefined),
  ]);
  const current = revision === undefined ? undefined : replicaSets.find((rs) => rs.revision === revision);
  const mapping = await mapToCommit(git, {
    image: image.value,
    templateAnnotations: templateAnnotations(current?.template ?? d.template),
    deploymentAnnotations: d.annotations,
    ...(target.tagPattern !== undefined ? { tagPattern: target.tagPattern } : {}),
    tagPatternKey: `targets.${target.name}.tagPattern`,
    tagPrefix: settings.tagPrefix,
  });
  return succeeded({
    target: target.name,
    deployment: d.name,
    ...(current ? { replicaSet: current.name } : {}),
    ...(revision !== undefined ? { revision } : {}),
    images,
    image: image.value,
    ...(mapping.commit ? { commit: mapping.commit } : {}),
    tried: mapping.tried,
    ...(canary && canary.replicas > 0
      ? { canary: `${canary.name} runs ${canary.containers.map((c) => c.image).join(', ')} on ${canary.replicas} replica${canary.replicas === 1 ? '' : 's'} beside it` }
      : {}),
  });
}
