// A verify watch from start to verdict, for the CLI and VS Code alike: resolve the target's endpoints
// and gates, watch them, record the verdict (audit trail, incident timeline), and on failure with
// autoRollback roll the target back by the deploy engine's fastest safe path.

import * as os from 'node:os';
import * as path from 'node:path';
import { resolveTarget } from '../core/config/targets';
import { rollback } from '../core/deploy/rollback';
import type { EventPayload } from '../core/incident/events';
import { systemClock } from '../core/ports';
import { isInputFailure } from '../core/result';
import { timelineNumbers, toGateMeasurement } from '../core/verify/gate';
import type { Round } from '../core/verify/judge';
import type { HealthEndpoint } from '../core/verify/settings';
import { watch, type WatchReport } from '../core/verify/watch';
import { openDeploy, verifyPorts } from '../adapters/deploy-workspace';
import { linkedIncident, recordInIncident, type IncidentLink } from './incident-link';
import { auditLogAt } from '../adapters/store/audit-file';
import { openWorkspace, stateDir } from '../adapters/workspace';

export interface VerifyRunInput {
  readonly dir: string;
  readonly target: string;
  /** Health endpoint groups; undefined: all of them. */
  readonly groups?: readonly string[];
  readonly durationMs: number;
  /** Default: the target's verify.interval. */
  readonly intervalMs?: number;
  readonly autoRollback?: boolean;
  /** The person confirmed a rollback of a protected target in advance. */
  readonly confirmed?: boolean;
  readonly incident?: string;
  readonly kubeconfig?: string;
  readonly signal?: AbortSignal;
  /** Once the watch starts: what it watches, in words. */
  readonly onStart?: (summary: string) => void;
  readonly onRound?: (round: Round, index: number) => void;
  readonly progress?: (message: string) => void;
}

export type VerifyRunOutcome =
  | { readonly kind: 'refused'; readonly reason: string; readonly hint?: string; readonly usage: boolean }
  | {
      readonly kind: 'verified' | 'failed' | 'stopped';
      readonly report: WatchReport;
      readonly rolledBack?: { readonly ok: true; readonly message: string; readonly ms: number } | { readonly ok: false; readonly reason: string; readonly hint?: string };
      readonly incident: IncidentLink;
    };

const refused = (reason: string, hint: string | undefined, usage: boolean): VerifyRunOutcome => ({ kind: 'refused', reason, ...(hint ? { hint } : {}), usage });

function pickEndpoints(groups: Readonly<Record<string, readonly HealthEndpoint[]>>, wanted: readonly string[] | undefined, target: string): HealthEndpoint[] | VerifyRunOutcome {
  const known = Object.keys(groups);
  if (wanted === undefined) return Object.values(groups).flat();
  const unknown = wanted.filter((n) => !known.includes(n));
  if (unknown.length === 0) return wanted.flatMap((n) => groups[n] ?? []);
  return refused(
    `No health endpoint group ${unknown.join(', ')} for target ${target}.`,
    known.length > 0 ? `Known groups: ${known.join(', ')}.` : `Add one under targets.${target}.verify.health in .hotfix/config.yaml, e.g. critical: [{ url: https://checkout.example/healthz }].`,
    true,
  );
}

export async function runVerify(input: VerifyRunInput): Promise<VerifyRunOutcome> {
  const ws = await openWorkspace(input.dir);
  if (!ws.ok) return refused(ws.reason, ws.hint, isInputFailure(ws));
  const target = resolveTarget(ws.value.config, input.target);
  if (!target.ok) return refused(target.reason, target.hint, true);
  const name = target.value.name;
  const settings = target.value.verify;
  const endpoints = pickEndpoints(settings.health, input.groups, name);
  if (!Array.isArray(endpoints)) return endpoints;
  if (endpoints.length === 0 && settings.metrics.length === 0) {
    return refused(`Target ${name} has nothing to verify.`, `Add health endpoints (verify.health) or metric gates (verify.metrics) under targets.${name} in .hotfix/config.yaml.`, true);
  }
  if (input.autoRollback && target.value.protected && input.confirmed !== true) {
    return refused(`${name} is protected: an automatic rollback of it needs your confirmation now, before the watch starts.`, 'Confirm the rollback in advance (--yes).', true);
  }
  // The kube context is opened up front when a rollback may follow, so a bad context fails now, not after the watch.
  const opened = input.autoRollback ? await openDeploy(input.dir, name, { ...(input.kubeconfig ? { kubeconfig: input.kubeconfig } : {}), ...(input.progress ? { progress: input.progress } : {}) }) : undefined;
  if (opened && !opened.ok) return refused(opened.reason, opened.hint, isInputFailure(opened));
  const root = ws.value.location.root;
  const link = await linkedIncident(root, input.incident);
  if (link.note && input.incident !== undefined) return refused(link.note, undefined, true);

  const intervalMs = input.intervalMs ?? settings.intervalMs;
  const what = [...(endpoints.length > 0 ? [`${endpoints.length} health endpoint(s)`] : []), ...(settings.metrics.length > 0 ? [`${settings.metrics.length} metric gate(s) on ${settings.prometheusUrl ?? 'no Prometheus'}`] : [])];
  input.onStart?.(`verifying ${name}: ${what.join(' and ')}, every ${intervalMs / 1000}s for ${Math.round(input.durationMs / 1000)}s${input.autoRollback ? ', rolling back on failure' : ''}`);
  const report = await watch(verifyPorts(settings), settings, { durationMs: input.durationMs, intervalMs, endpoints, ...(input.signal ? { signal: input.signal } : {}), ...(input.onRound ? { onRound: input.onRound } : {}) });

  const actor = (await ws.value.context.git.identity()) ?? os.userInfo().username;
  const audit = auditLogAt(path.join(stateDir(ws.value.location), 'audit.jsonl'));
  const numbers = Object.fromEntries(report.measurements.flatMap((m) => (m.value !== undefined ? [[m.gate, m.value]] : [])));
  const subject = opened?.ok ? `${opened.value.kube.context}/${target.value.namespace}/${name}` : `${target.value.context ?? 'current-context'}/${target.value.namespace}/${name}`;
  await audit.append({ at: systemClock.now().toISOString(), actor, action: 'verify.watch', subject, details: { outcome: report.outcome, rounds: report.rounds, ms: report.ms, reason: report.reason.slice(0, 500), ...numbers } });

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
  const finish = async (kind: 'verified' | 'failed' | 'stopped', rolledBack?: NonNullable<Extract<VerifyRunOutcome, { report: WatchReport }>['rolledBack']>): Promise<VerifyRunOutcome> => ({
    kind,
    report,
    ...(rolledBack ? { rolledBack } : {}),
    incident: await recordInIncident(root, link.incident, events),
  });
  if (report.outcome === 'pass') return finish('verified');
  if (report.outcome === 'stopped') return finish('stopped');
  if (!opened?.ok) return finish('failed');

  input.progress?.(`verification failed: rolling ${name} back`);
  const rolled = await rollback(opened.value.context, { confirmed: input.confirmed === true });
  const ok = rolled.kind === 'rolled-back';
  if (ok) events.push({ type: 'rollback', target: name, reason: `verify failed: ${report.reason}`.slice(0, 1000) });
  await audit.append({ at: systemClock.now().toISOString(), actor, action: 'verify.auto-rollback', subject, details: { outcome: rolled.kind, message: (ok ? rolled.message : rolled.reason).slice(0, 500) } });
  return finish('failed', ok ? { ok: true, message: rolled.message, ms: rolled.ms } : { ok: false, reason: rolled.reason, ...(rolled.hint ? { hint: rolled.hint } : {}) });
}
