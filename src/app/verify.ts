// Verify, written once for every front end: resolve the target's endpoints and gates, watch them for
// a while (each round said as it comes), record the verdict (audit trail, incident timeline), and on
// failure with autoRollback roll the target back by the deploy engine's fastest safe path. The
// rollback of a protected target is confirmed (its name typed) before the watch starts: it may come
// when nobody is watching.

import * as os from 'node:os';
import type { OpenDeploy } from '../adapters/deploy-workspace';
import { verifyPorts } from '../adapters/deploy-workspace';
import { resolveTarget } from '../core/config/targets';
import { rollback } from '../core/deploy/rollback';
import { rolloutOf } from '../core/rollouts/actions';
import { rollbackRollout } from '../core/rollouts/deploy';
import type { RolloutInfo } from '../core/rollouts/info';
import { followRollout } from '../core/rollouts/verify';
import type { EventPayload } from '../core/incident/events';
import { systemClock, type StateStore } from '../core/ports';
import { remedy, type Remedy } from '../core/remedy';
import { badInput, unconfirmed } from '../core/result';
import { BASELINE_TRACK, CANARY_TRACK } from '../core/deploy/canary-plan';
import { deployKey, type DeployState } from '../core/deploy/state';
import { STABLE_TRACK, timelineNumbers, toGateMeasurement } from '../core/verify/gate';
import type { MetricScope } from '../core/verify/metrics';
import type { HealthEndpoint } from '../core/verify/settings';
import { watch, type WatchReport } from '../core/verify/watch';
import type { AppEnv } from './env';
import { linkIncident, recordEvents, type IncidentLink } from './incident-link';
import { CANCELLED, refusal, refusedWith, stopped, whereOf, type Cancelled, type Refused } from './narrate';
import { resolveRollout } from './rollout';

export interface VerifyRequest {
  readonly target: string;
  /** Health endpoint groups; undefined: all of them. */
  readonly groups?: readonly string[];
  readonly durationMs: number;
  /** Default: the target's verify.interval. */
  readonly intervalMs?: number;
  readonly autoRollback?: boolean;
  /** The incident to record the verdict in (default: the only open one). */
  readonly incident?: string;
}

export type RolledBack = { readonly ok: true; readonly message: string; readonly ms: number } | { readonly ok: false; readonly reason: string; readonly hint?: string; readonly remedies?: readonly Remedy[] };

export type VerifyOutcome =
  | {
      readonly kind: 'verified' | 'failed' | 'stopped';
      readonly target: string;
      readonly report: WatchReport;
      /** An argo-rollout target: its Rollout with every AnalysisRun, as last read. */
      readonly rollout?: RolloutInfo;
      /** A failure with autoRollback: the rollback, done or refused. */
      readonly rolledBack?: RolledBack;
      readonly incident: IncidentLink;
      /** A failure not rolled back: what would help (roll back, or watch again rolling back). */
      readonly remedies?: readonly Remedy[];
    }
  | Refused
  | Cancelled;

function pickEndpoints(groups: Readonly<Record<string, readonly HealthEndpoint[]>>, wanted: readonly string[] | undefined, target: string): HealthEndpoint[] | Refused {
  const known = Object.keys(groups);
  if (wanted === undefined) return Object.values(groups).flat();
  const unknown = wanted.filter((n) => !known.includes(n));
  if (unknown.length === 0) return wanted.flatMap((n) => groups[n] ?? []);
  return refusedWith(
    badInput(
      `No health endpoint group ${unknown.join(', ')} for target ${target}.`,
      known.length > 0 ? `Known groups: ${known.join(', ')}.` : `Add one under targets.${target}.verify.health in .hotfix/config.yaml, e.g. critical: [{ url: https://checkout.example/healthz }].`,
    ),
  );
}

export async function verify(env: AppEnv, request: VerifyRequest): Promise<VerifyOutcome> {
  const ws = await env.workspace();
  if (!ws.ok) return refusedWith(ws);
  const target = resolveTarget(ws.value.config, request.target);
  if (!target.ok) return refusedWith({ ...target, failure: target.failure ?? 'input' });
  const name = target.value.name;
  const settings = target.value.verify;
  const endpoints = pickEndpoints(settings.health, request.groups, name);
  if (!Array.isArray(endpoints)) return endpoints;
  // An Argo Rollout's own analysis is verified too: required for strategy argo-rollout, else detected when the cluster answers.
  const rolloutOpened = target.value.strategy === 'argo-rollout' || target.value.strategyDefaulted ? await openRolloutTarget(env, name, target.value.strategy === 'argo-rollout') : undefined;
  if (rolloutOpened && 'kind' in rolloutOpened) return rolloutOpened;
  if (endpoints.length === 0 && settings.metrics.length === 0 && !rolloutOpened) {
    return refusedWith(badInput(`Target ${name} has nothing to verify.`, `Add health endpoints (verify.health) or metric gates (verify.metrics) under targets.${name} in .hotfix/config.yaml.`));
  }
  const autoRollback = request.autoRollback === true;
  let opened: OpenDeploy | undefined;
  if (autoRollback) {
    const open = async (): Promise<OpenDeploy | Refused> => {
      const o = await env.target(name);
      return o.ok ? o.value : refusedWith(o);
    };
    const ask = (where?: string) =>
      env.interaction.confirm({ action: `Roll back ${name} automatically if verification fails`, ...(where ? { where } : {}), typeToConfirm: name, button: 'Watch and Roll Back' });
    if (target.value.protected) {
      // With nobody to ask, the answer is given up front, before the cluster is contacted; a person is
      // asked with the context and namespace named, once the target is open.
      if (env.interaction.interactive) {
        const o = await open();
        if ('kind' in o) return o;
        if (!(await ask(whereOf(o)))) return CANCELLED;
        opened = o;
      } else if (!(await ask())) {
        return refusedWith({
          ...unconfirmed(`${name} is protected: an automatic rollback of it needs your confirmation now, before the watch starts.`, 'Confirm the rollback in advance.'),
          remedies: [remedy('verify', { target: name, autoRollback: true, confirmed: true })],
        });
      }
    }
    // The kube context is opened up front when a rollback may follow, so a bad context fails now, not after the watch.
    if (opened === undefined && rolloutOpened) opened = rolloutOpened;
    if (opened === undefined) {
      const o = await open();
      if ('kind' in o) return o;
      opened = o;
    }
  }
  const link = await linkIncident(env, request.incident);
  if (link.note && request.incident !== undefined) return refusal(link.note, undefined, 'input');

  const intervalMs = request.intervalMs ?? settings.intervalMs;
  const what = [
    ...(endpoints.length > 0 ? [`${endpoints.length} health endpoint(s)`] : []),
    ...(settings.metrics.length > 0 ? [`${settings.metrics.length} metric gate(s) on ${settings.prometheusUrl ?? 'no Prometheus'}`] : []),
    ...(rolloutOpened ? [`the analysis of Argo Rollout ${rolloutOf(rolloutOpened.context)}`] : []),
  ];
  env.interaction.note(`verifying ${name}: ${what.join(' and ')}, every ${intervalMs / 1000}s for ${Math.round(request.durationMs / 1000)}s${autoRollback ? ', rolling back on failure' : ''}`);
  const signal = env.interaction.signal;
  const gated = endpoints.length > 0 || settings.metrics.length > 0;
  const scope = await canaryScope(ws.value.context.store, name, settings.trackLabel);
  let report = gated
    ? await watch(verifyPorts(settings), settings, {
        durationMs: request.durationMs,
        intervalMs,
        endpoints,
        ...(signal ? { signal } : {}),
        ...(scope ? { scope } : {}),
        onRound: (round, index) => env.interaction.progress(`round ${index + 1}: ${round.outcome}: ${round.reason}`),
      })
    : undefined;
  let rollout: RolloutInfo | undefined;
  if (rolloutOpened) {
    // Alone, the Rollout is watched for the duration; beside gates, read once after them.
    const followed = await followRollout(
      { ...rolloutOpened.context, ...(signal ? { signal } : {}) },
      { durationMs: gated ? 0 : request.durationMs, intervalMs, onRound: (line, index) => env.interaction.progress(`round ${index + 1}: ${line}`) },
    );
    rollout = followed.info;
    report = report === undefined || (report.outcome === 'pass' && followed.report.outcome === 'fail') ? { ...(report ?? followed.report), outcome: followed.report.outcome, reason: followed.report.reason } : report;
  }
  if (report === undefined) throw new Error('verify: nothing was watched');

  const hotfix = ws.value.context;
  const actor = (await hotfix.git.identity()) ?? os.userInfo().username;
  const numbers = Object.fromEntries(report.measurements.flatMap((m) => (m.value !== undefined ? [[m.gate, m.value]] : [])));
  const subject = opened ? `${opened.kube.context}/${target.value.namespace}/${name}` : `${target.value.context ?? 'current-context'}/${target.value.namespace}/${name}`;
  await hotfix.audit.append({ at: systemClock.now().toISOString(), actor, action: 'verify.watch', subject, details: { outcome: report.outcome, rounds: report.rounds, ms: report.ms, reason: report.reason.slice(0, 500), ...numbers } });

  const events: EventPayload[] = [];
  if (report.outcome !== 'stopped') {
    events.push({
      type: 'gate-verdict',
      target: name,
      pass: report.outcome === 'pass',
      reason: `verify: ${report.reason}`.slice(0, 1000),
      step: `verify, ${report.rounds} round(s)`,
      measurements: report.measurements.map((m) => timelineNumbers(toGateMeasurement(m))),
    });
  }
  const finish = async (kind: 'verified' | 'failed' | 'stopped', more: { rolledBack?: RolledBack; remedies?: readonly Remedy[] } = {}): Promise<VerifyOutcome> => ({
    kind,
    target: name,
    report,
    ...(rollout ? { rollout } : {}),
    ...more,
    incident: await recordEvents(env, link.incident, events),
  });
  if (report.outcome === 'pass') return finish('verified');
  if (report.outcome === 'stopped') return finish('stopped');
  if (!opened) return finish('failed', { remedies: [remedy('rollback', { target: name }), remedy('verify', { target: name, autoRollback: true })] });

  env.interaction.progress(`verification failed: rolling ${name} back`);
  // Confirmed before the watch (a protected target's name typed); the engine needs no second answer.
  const rolled = rolloutOpened ? await rollbackRollout(rolloutOpened.context, { confirmed: true, immediate: true, reason: `verify failed: ${report.reason}` }) : await rollback(opened.context, { confirmed: true });
  const ok = rolled.kind === 'rolled-back';
  if (ok) events.push({ type: 'rollback', target: name, reason: `verify failed: ${report.reason}`.slice(0, 1000) });
  await hotfix.audit.append({ at: systemClock.now().toISOString(), actor, action: 'verify.auto-rollback', subject, details: { outcome: rolled.kind, message: (ok ? rolled.message : rolled.reason).slice(0, 500) } });
  return finish('failed', {
    rolledBack: ok ? { ok: true, message: rolled.message, ms: rolled.ms } : { ok: false, reason: rolled.reason, ...(rolled.hint ? { hint: rolled.hint } : {}), ...(rolled.remedies ? { remedies: rolled.remedies } : {}) },
  });
}

/** The target opened with its Argo Rollout resolved; undefined when it has none (or, not required, cannot be read). */
async function openRolloutTarget(env: AppEnv, name: string, required: boolean): Promise<OpenDeploy | Refused | undefined> {
  const o = await env.target(name);
  if (!o.ok) return required ? refusedWith(o) : undefined;
  const resolved = await resolveRollout(o.value);
  if (stopped(resolved)) return required ? resolved : undefined;
  return resolved.target.strategy === 'argo-rollout' ? resolved : undefined;
}

/**
 * While a canary of the target is under way (short of 100%), verify judges its track against stable's,
 * as its steps do, so compare: baseline metrics are compared; otherwise the whole app is judged.
 */
async function canaryScope(store: StateStore, target: string, label: string): Promise<MetricScope | undefined> {
  const state = await store.read<DeployState>(deployKey(target)).catch(() => undefined);
  const canary = state?.canary;
  if (!canary || state.outcome !== undefined || canary.weight <= 0 || canary.weight >= 100) return undefined;
  const since = canary.pausedAt !== undefined ? new Date(canary.pausedAt) : undefined;
  const against = canary.baseline !== undefined ? BASELINE_TRACK : STABLE_TRACK;
  return { judged: `${label}="${CANARY_TRACK}"`, baseline: `${label}="${against}"`, label: `canary at ${canary.weight}%`, ...(since && !Number.isNaN(since.getTime()) ? { since } : {}) };
}
