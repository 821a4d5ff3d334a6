// The canary strategy's steps: preflight (everything read, every write dry-run), update (the canary
// Deployment made or refreshed from stable's spec with the new image, at 0 replicas), and the traffic
// steps themselves: shift, pause, gate, with the position saved at each so a resumed run picks up at
// the right step. Promotion and abort are in canary-finish.ts.

import { failed, succeeded, type Result } from '../result';
import { record, type DeployContext } from './context';
import { checkBaseline, updateBaseline } from './canary-baseline';
import { readinessGate, type GateVerdict } from './canary-gate';
import { CANARY_OF, canaryDeployment, canaryName, canarySelector, canaryService, canaryServiceName, canaryTemplate, labelProblem, replicaShare } from './canary-plan';
import { readRoute, resolveRoute, setRouteWeight, shiftTo } from './canary-traffic';
import { MANAGED_BY, type DeployLock } from './lock';
import { originalBounds, showBounds } from './autoscaler';
import { autoscalersBefore, pinForCanary } from './autoscaler-pin';
import { revisionOf } from './rollout';
import type { CanaryProgress, DeployState } from './state';
import { commitAnnotations, containerOf, mustGet, writeAnnotations } from './steps';

type StepResult = Result<DeployState>;
export type Save = (next: DeployState) => Promise<void>;

/** The lock is renewed at least this often during a pause (it expires after 60 s without). */
const RENEW_EVERY_MS = 15_000;

const ours = (labels: Readonly<Record<string, string>>) => labels['app.kubernetes.io/managed-by'] === MANAGED_BY['app.kubernetes.io/managed-by'];
const sameLabels = (a: Readonly<Record<string, string>>, b: Readonly<Record<string, string>>) =>
  Object.keys(a).length === Object.keys(b).length && Object.entries(a).every(([k, v]) => b[k] === v);

export async function preflightCanary(ctx: DeployContext, state: DeployState): Promise<StepResult> {
  const { cluster, target } = ctx;
  const found = await mustGet(ctx, target.app);
  if (!found.ok) return found;
  const stable = found.value;
  const container = containerOf(ctx, stable);
  if (!container.ok) return container;
  if (stable.containers.find((c) => c.name === container.value)?.image === state.image) {
    return failed(`${stable.name} already runs ${state.image}.`, 'Nothing to deploy; give another image.');
  }
  if (stable.replicas < 1) return failed(`${stable.name} has 0 replicas: a canary needs a running stable beside it.`, `Scale ${stable.name} up first.`);
  const name = canaryName(target.app);
  const existing = await cluster.getDeployment(target.namespace, name);
  if (existing && (!ours(existing.labels) || existing.labels[CANARY_OF] !== target.app)) {
    return failed(`Deployment ${target.namespace}/${name} exists and was not created by Hotfix Deployer as ${target.app}'s canary, so the tool will not change it.`, 'Rename or remove it, then deploy again.');
  }
  if (existing && existing.replicas > 0) {
    return failed(
      `${name} still runs ${existing.replicas} replica(s) of ${existing.containers.map((c) => c.image).join(', ')} from an earlier canary.`,
      `Once ${target.app} has all its replicas, scale ${name} to 0 (and set any route weights back to ${target.service}), then deploy again.`,
    );
  }
  if (existing && !sameLabels(existing.selector, canarySelector(stable.selector))) {
    return failed(`${name}'s selector ${JSON.stringify(existing.selector)} no longer matches ${target.app}'s pods.`, `Delete ${name} (the tool made it and makes it again).`);
  }

  const route = await resolveRoute(ctx, target.canary.traffic);
  if (!route.ok) return route;
  let routing: 'replicas' | 'hosts' | 'subsets' = 'replicas';
  if (route.value) {
    const weights = await readRoute(ctx, route.value);
    if (!weights.ok) return weights;
    if (weights.value.current !== 0) {
      return failed(`${route.value.kind} ${route.value.name} already sends ${weights.value.current}% to the canary.`, `Set its weights back to ${target.service} only (or roll back the earlier canary), then deploy again.`);
    }
    routing = weights.value.routing;
  }
  const service = await cluster.getService(target.namespace, target.service);
  if (!service) return failed(`Service ${target.namespace}/${target.service} was not found.`, `Check targets.${target.name}.service.`);
  const canarySvc = routing === 'hosts' ? await cluster.getService(target.namespace, canaryServiceName(target.service)) : undefined;
  const problem = labelProblem(stable, service, routing, canarySvc);
  if (problem) return problem;

  // An HPA on stable would undo the split: it is held to it for the canary (autoscaler-pin.ts).
  const hpas = await autoscalersBefore(ctx, [stable.name]);
  if (!hpas.ok) return hpas;
  const hpa = hpas.value.found.get(stable.name);

  // The server checks every write the canary will make (admission, validation, quota, RBAC).
  const annotations = writeAnnotations(ctx, state);
  const baseline = await checkBaseline(ctx, stable, annotations);
  if (!baseline.ok) return baseline;
  if (existing) {
    await cluster.replaceTemplate(target.namespace, name, canaryTemplate(stable.template, container.value, state.image), { ...existing.annotations, ...annotations }, { dryRun: true });
  } else {
    await cluster.createDeployment(target.namespace, canaryDeployment(stable, container.value, state.image, annotations), { dryRun: true });
  }
  if (routing === 'hosts' && !canarySvc) await cluster.createService(target.namespace, canaryService(service, annotations), { dryRun: true });
  if (route.value) {
    const dry = await setRouteWeight(ctx, route.value, 0, annotations, { dryRun: true });
    if (!dry.ok) return dry;
  }
  const templateAnnotations = commitAnnotations(state);
  await cluster.setImages(target.namespace, target.app, { images: { [container.value]: state.image }, annotations, ...(templateAnnotations ? { templateAnnotations } : {}) }, { dryRun: true });

  const revision = revisionOf(stable);
  const canary: CanaryProgress = {
    steps: target.canary.steps,
    traffic: target.canary.traffic,
    pauseMs: target.canary.pauseMs,
    ...(route.value ? { route: route.value } : {}),
    ...(baseline.value !== undefined ? { baseline: baseline.value } : {}),
    index: -1,
    weight: 0,
    phase: 'ready',
  };
  const prepared: DeployState = {
    ...state,
    deployment: stable.name,
    container: container.value,
    before: {
      images: Object.fromEntries(stable.containers.map((c) => [c.name, c.image])),
      availableReplicas: stable.status.availableReplicas,
      replicas: stable.replicas,
      autoscalers: hpas.value.saved,
      ...(revision !== undefined ? { revision } : {}),
    },
    canary,
  };
  if (hpa) {
    // The HPA sets stable's replicas: what it runs now is the total the steps divide.
    ctx.progress?.(
      `${stable.name} is scaled by HorizontalPodAutoscaler ${hpa.name} (${showBounds(originalBounds(hpa))}): the canary's split is taken from the HPA's current ${stable.replicas} replicas, and the HPA is held to the split until the canary ends`,
    );
    const dry = await pinForCanary(ctx, prepared, 0, { dryRun: true });
    if (!dry.ok) return dry;
  }
  return succeeded(prepared);
}

/** Makes `<app>-canary` (and `<service>-canary` for hosts routing) from stable's, with the new image, at 0 replicas. */
export async function updateCanary(ctx: DeployContext, state: DeployState): Promise<StepResult> {
  const { cluster, target } = ctx;
  const found = await mustGet(ctx, target.app);
  if (!found.ok) return found;
  const stable = found.value;
  const container = state.container ?? '';
  const name = canaryName(target.app);
  const annotations = writeAnnotations(ctx, state);
  const existing = await cluster.getDeployment(target.namespace, name);
  if (!existing) {
    ctx.progress?.(`Creating ${name} from ${stable.name}'s spec with ${state.image}, at 0 replicas`);
    await cluster.createDeployment(target.namespace, canaryDeployment(stable, container, state.image, annotations), { dryRun: false });
  } else if (existing.annotations['hotfix-deployer.io/operation'] !== state.id) {
    ctx.progress?.(`Refreshing ${name} from ${stable.name}'s spec with ${state.image}`);
    await cluster.replaceTemplate(target.namespace, name, canaryTemplate(stable.template, container, state.image), { ...existing.annotations, ...annotations }, { dryRun: false });
  }
  if (state.canary?.baseline !== undefined) await updateBaseline(ctx, stable, state.id, annotations);
  // From here until the canary ends, stable's HPA holds it whole (restored by promote and abort).
  const pinned = await pinForCanary(ctx, state, 0, { dryRun: false });
  if (!pinned.ok) return pinned;
  const route = state.canary?.route;
  if (route) {
    const weights = await readRoute(ctx, route);
    if (!weights.ok) return weights;
    const service = await cluster.getService(target.namespace, target.service);
    const own = canaryServiceName(target.service);
    if (weights.value.routing === 'hosts' && service && !(await cluster.getService(target.namespace, own))) {
      ctx.progress?.(`Creating Service ${own} for the canary's pods`);
      await cluster.createService(target.namespace, canaryService(service, annotations), { dryRun: false });
    }
  }
  return succeeded(state);
}

/** The traffic steps, from where the saved state says; each one shifts, pauses and asks the gates. */
export async function runCanarySteps(ctx: DeployContext, initial: DeployState, lock: DeployLock | undefined, save: Save): Promise<StepResult> {
  let state = initial;
  const start = initial.canary;
  if (!start) return failed('The canary was not prepared (no preflight state).');
  const { steps } = start;
  const put = async (change: Partial<CanaryProgress>) => {
    state = { ...state, canary: { ...(state.canary ?? start), ...change } };
    await save(state);
  };
  if (start.promote) {
    ctx.progress?.(`Promoting now: skipping the remaining canary steps`);
    return succeeded(state);
  }
  const first = start.phase === 'passed' ? start.index + 1 : Math.max(start.index, 0);
  if (start.index >= 0 && first < steps.length) ctx.progress?.(`Resuming the canary at step ${first + 1} of ${steps.length} (${steps[first] ?? 100}%)`);
  const annotations = writeAnnotations(ctx, state);
  for (let index = first; index < steps.length; index++) {
    const weight = steps[index] ?? 100;
    const label = `Canary step ${index + 1} of ${steps.length} (${weight}%)`;
    await lock?.renew();
    const current = state.canary ?? start;
    // Resumed in this step's pause: its traffic is already set.
    if (!(current.index === index && current.phase === 'paused')) {
      await put({ index, weight, phase: 'shifting' });
      ctx.progress?.(`${label}: shifting traffic to ${canaryName(ctx.target.app)}`);
      const shifted = await shiftTo(ctx, state, weight, annotations, lock);
      if (!shifted.ok) {
        const { gate, verdict } = await judge(ctx, state, index, weight, false);
        await put({ verdict, verdicts: [...(state.canary?.verdicts ?? []), { step: index + 1, weight, gate, at: ctx.clock.now().toISOString(), verdict }] });
        return verdict.pass ? failed(`${label}: ${shifted.reason}`, shifted.hint) : failed(`${label} failed the ${gate} gate: ${verdict.reason}; ${shifted.reason}`);
      }
      await put({ phase: 'paused', pausedAt: ctx.clock.now().toISOString(), replicas: shifted.value });
      const share = current.traffic === 'replicas' ? `, ${replicaShare(shifted.value)}% by replicas` : '';
      const beside = shifted.value.baseline !== undefined ? `, ${current.baseline ?? ''} ${shifted.value.baseline}` : '';
      ctx.progress?.(`${label}: ${canaryName(ctx.target.app)} ${shifted.value.canary}, ${ctx.target.app} ${shifted.value.stable}${beside} replicas${share}`);
    }
    await pause(ctx, state, lock);
    const { gate, verdict } = await judge(ctx, state, index, weight, true);
    // A failed verdict leaves the step paused: if the abort that follows is interrupted, a resumed
    // run judges this step again rather than taking it as passed.
    const verdicts = [...(state.canary?.verdicts ?? []), { step: index + 1, weight, gate, at: ctx.clock.now().toISOString(), verdict }];
    await put(verdict.pass ? { phase: 'passed', verdict, verdicts } : { verdict, verdicts });
    await recordStep(ctx, state, index, weight, gate, verdict);
    if (!verdict.pass) return failed(`${label} failed the ${gate} gate: ${verdict.reason}`);
    ctx.progress?.(`${label} passed the ${gate} gate: ${verdict.reason}`);
  }
  return succeeded(state);
}

async function pause(ctx: DeployContext, state: DeployState, lock: DeployLock | undefined): Promise<void> {
  const progress = state.canary;
  if (!progress) return;
  const since = Date.parse(progress.pausedAt ?? '');
  const started = Number.isNaN(since) ? ctx.clock.now().getTime() : since;
  let left = progress.pauseMs - (ctx.clock.now().getTime() - started);
  if (left > 0) ctx.progress?.(`Pausing ${left >= 1000 ? `${Math.round(left / 1000)}s` : `${left}ms`} before the gate`);
  while (left > 0) {
    await ctx.clock.sleep(Math.min(left, RENEW_EVERY_MS), ctx.signal);
    left = progress.pauseMs - (ctx.clock.now().getTime() - started);
    if (left > 0) await lock?.renew();
  }
}

/** Readiness first, then the target's own gate if any; the verdict carries both gates' numbers. */
async function judge(ctx: DeployContext, state: DeployState, index: number, weight: number, withCustom: boolean): Promise<{ gate: string; verdict: GateVerdict }> {
  const { cluster, target } = ctx;
  const baselineName = state.canary?.baseline;
  const [stable, canary, baseline] = await Promise.all([
    cluster.getDeployment(target.namespace, target.app),
    cluster.getDeployment(target.namespace, canaryName(target.app)),
    baselineName !== undefined ? cluster.getDeployment(target.namespace, baselineName) : Promise.resolve(undefined),
  ]);
  if (!stable || !canary) return { gate: readinessGate.name, verdict: { pass: false, reason: `${stable ? canaryName(target.app) : target.app} disappeared`, measurements: [] } };
  if (baselineName !== undefined && !baseline) return { gate: readinessGate.name, verdict: { pass: false, reason: `${baselineName} (the canary's baseline) disappeared`, measurements: [] } };
  const since = new Date(Date.parse(state.canary?.pausedAt ?? '') || ctx.clock.now().getTime());
  const info = { index, of: state.canary?.steps.length ?? 0, weight, stable, canary, ...(baseline && weight < 100 ? { baseline } : {}), since };
  const ready = await readinessGate.judge(info, ctx.signal);
  if (!ready.pass || !withCustom || !ctx.canaryGate) return { gate: readinessGate.name, verdict: ready };
  const custom = await ctx.canaryGate.judge(info, ctx.signal);
  return { gate: ctx.canaryGate.name, verdict: { ...custom, measurements: [...ready.measurements, ...custom.measurements] } };
}

function recordStep(ctx: DeployContext, state: DeployState, index: number, weight: number, gate: string, verdict: GateVerdict): Promise<void> {
  ctx.onEvent?.({ type: 'canary-gate', operation: state.id, step: index + 1, of: state.canary?.steps.length ?? 0, weight, gate, verdict });
  const numbers = Object.fromEntries(verdict.measurements.flatMap((m) => (m.value !== undefined ? [[m.name, m.value]] : [])));
  return record(ctx, 'deploy.canary.step', {
    operation: state.id,
    step: index + 1,
    weight,
    gate,
    pass: verdict.pass,
    ...(verdict.inconclusive ? { inconclusive: true } : {}),
    reason: verdict.reason.slice(0, 500),
    ...numbers,
  });
}
