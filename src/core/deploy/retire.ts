// Blue-green keeps the old colour scaled after the switch, for a rollback in one API call, for the
// target's keepOldFor; then it is scaled to 0. With no process running in between, the scale-down
// happens at the end of the deploy (keepOldFor: 0), or when `retire` runs once it is due (the CLI
// verb, or the extension's timer while its window is open).

import { failed, succeeded, type Failed, type Result } from '../result';
import { record, type DeployContext } from './context';
import { protectionRefusal } from './guards';
import { acquireLock } from './lock';
import { colours } from './rollout';
import { restoreAutoscalers } from './autoscaler-pin';
import { deployKey, type DeployState } from './state';

export type RetireOutcome =
  | { readonly kind: 'retired'; readonly message: string }
  | { readonly kind: 'not-due'; readonly message: string; readonly dueAt: string }
  | (Failed & { readonly kind: 'refused' });

/** The deploy step: scale the colour that just stopped serving to 0 (dry-run first). */
export async function retireStep(ctx: DeployContext, state: DeployState): Promise<Result<DeployState>> {
  const old = state.before?.liveColour;
  if (!old) return succeeded(state);
  const name = `${ctx.target.app}-${old}`;
  await ctx.cluster.scale(ctx.target.namespace, name, 0, { dryRun: true });
  ctx.progress?.(`Scaling ${name} down to 0 (keepOldFor: 0)`);
  await ctx.cluster.scale(ctx.target.namespace, name, 0, { dryRun: false });
  // Its HPA was held at its replicas for an instant rollback (at 0 replicas an HPA leaves it alone).
  await restoreAutoscalers(ctx, state, [name]);
  return succeeded({ ...state, retiredAt: ctx.clock.now().toISOString() });
}

/** Scales the previous colour of the last blue-green deploy down, once keepOldFor has passed (or now). */
export async function retireOldColour(ctx: DeployContext, options: { readonly now?: boolean; readonly confirmed?: boolean } = {}): Promise<RetireOutcome> {
  const refused = (reason: string, hint?: string): RetireOutcome => ({ ...failed(reason, hint), kind: 'refused' });
  const { cluster, target } = ctx;
  if (target.strategy !== 'blue-green') return refused(`${target.name} is not a blue-green target.`);
  const last = await ctx.store.read<DeployState>(deployKey(target.name));
  const old = last?.before?.liveColour;
  if (!last || last.outcome !== 'deployed' || !old || last.finishedAt === undefined) {
    return refused(`No finished blue-green deploy of ${target.name} to retire the old colour of.`);
  }
  if (last.retiredAt) return { kind: 'retired', message: `${target.app}-${old} was already scaled down at ${last.retiredAt}` };
  const dueAt = new Date(Date.parse(last.finishedAt) + target.keepOldForMs).toISOString();
  if (!options.now && ctx.clock.now().toISOString() < dueAt) {
    return { kind: 'not-due', dueAt, message: `${target.app}-${old} is kept for an instant rollback until ${dueAt} (keepOldFor); it can be scaled down earlier on request.` };
  }
  const denied = protectionRefusal(ctx, options.confirmed, `scaling ${target.app}-${old} down`);
  if (denied) return { ...denied, kind: 'refused' };
  const [service, blue, green] = await Promise.all([
    cluster.getService(target.namespace, target.service),
    cluster.getDeployment(target.namespace, `${target.app}-blue`),
    cluster.getDeployment(target.namespace, `${target.app}-green`),
  ]);
  const c = service && blue && green ? colours(service, blue, green) : { error: `the blue-green objects of ${target.name} are missing` };
  if ('error' in c) return refused(c.error);
  if (c.live === old) {
    return refused(`${target.app}-${old} is live again (rolled back since the deploy): it is not scaled down.`);
  }
  const lock = await acquireLock(cluster, ctx.clock, target.namespace, target.name, { holder: `${ctx.actor} on ${ctx.origin}`, operation: globalThis.crypto.randomUUID() });
  if (!lock.ok) return refused(lock.reason, lock.hint);
  try {
    const retired = await retireStep(ctx, last);
    if (!retired.ok) return refused(retired.reason, retired.hint);
    await ctx.store.write(deployKey(target.name), retired.value);
    await record(ctx, 'deploy.retire', { deployment: `${target.app}-${old}`, operation: last.id });
    return { kind: 'retired', message: `scaled ${target.app}-${old} down to 0; rollback now scales it up before switching back` };
  } finally {
    await lock.value.release().catch(() => undefined);
  }
}
