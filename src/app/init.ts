// init, written once for every front end: what the repository (branches, tags, remotes) and, for a
// chosen kube context and namespace, the cluster show, as a commented .hotfix/config.yaml; written
// only when there is none, or when the person said to replace it. Planning and writing are two steps
// so a front end can show the plan first (a dry run; an editor's summary before "Write").

import { listKubeContexts, planInit, writeInitConfig, type InitPlan, type KubeContextList } from '../adapters/init';
import { CONFIG_PATH } from '../core/config/types';
import { remedy } from '../core/remedy';
import { badInput } from '../core/result';
import type { AppEnv } from './env';
import { refusal, refusedWith, type Refused } from './narrate';

export type { InitPlan, KubeContextList };

export interface InitRequest {
  /** Suggest targets from this kube context's Deployments and Services. */
  readonly context?: string;
  /** The namespace to look in (default: the context's namespace, else default). */
  readonly namespace?: string;
}

export type InitPlanOutcome = { readonly kind: 'planned'; readonly plan: InitPlan } | Refused;

/** The file init would write, from the repository and (with a context or namespace) the cluster; writes nothing. */
export async function initPlan(env: AppEnv, request: InitRequest = {}): Promise<InitPlanOutcome> {
  const plan = await planInit(env.dir, {
    ...(env.kubeconfig ? { kubeconfig: env.kubeconfig } : {}),
    ...(request.context !== undefined ? { context: request.context } : {}),
    ...(request.namespace !== undefined ? { namespace: request.namespace } : {}),
  });
  if (!plan.ok) return refusedWith(plan);
  return { kind: 'planned', plan: plan.value };
}

export type InitWriteOutcome = { readonly kind: 'written'; readonly plan: InitPlan; readonly path: string; readonly replaced: boolean } | Refused;

/** Writes the planned file; an existing one only with `overwrite` (refused otherwise, left unchanged: the person's to decide). */
export async function initWrite(env: AppEnv, plan: InitPlan, options: { readonly overwrite: boolean }): Promise<InitWriteOutcome> {
  if (plan.exists && !options.overwrite) {
    return refusedWith({
      ...badInput(`${CONFIG_PATH} already exists in ${plan.root}; it was left unchanged.`, 'Replace it on purpose, or look at what would be written first.'),
      remedies: [remedy('init', { overwrite: true }), remedy('init', { dryRun: true })],
    }, { path: plan.file });
  }
  const written = await writeInitConfig(plan, true);
  if (!written.ok) return refusal(written.reason, written.hint, undefined, undefined, { path: plan.file });
  return { kind: 'written', plan, path: written.value, replaced: plan.exists };
}

/** The kube contexts of the kubeconfig the person chose, to pick the one whose cluster has the app. */
export function kubeContexts(env: AppEnv): Promise<KubeContextList> {
  return listKubeContexts(env.kubeconfig ? { file: env.kubeconfig } : {});
}
