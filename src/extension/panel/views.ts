// What the panel shows, made from the engine's models: an incident and its timeline as plain text
// entries, a canary deploy's state with its live tracks, verdicts and gated series. No vscode here,
// so the shapes are unit-tested; the webview sets every string as text.

import { autoscalerLine } from '../../core/deploy/autoscaler';
import type { TargetLiveState } from '../../core/deploy/describe';
import type { GateMeasurement } from '../../core/deploy/canary-gate';
import type { DeployState } from '../../core/deploy/state';
import type { RolloutInfo } from '../../core/rollouts/info';
import { describeEvent, plainText } from '../../core/incident/describe';
import type { IncidentEvent } from '../../core/incident/events';
import { STATUSES, type Incident } from '../../core/incident/model';
import { timelineNumbers } from '../../core/verify/gate';
import type { CanaryView, GateNumbersView, IncidentView, LinkView, SeriesView, TimelineEntry, TrackView } from '../../shared/protocol';
import { rolloutOutcome, rolloutPanelView } from './rollout-view';

/** As the timeline keeps a measurement, plus stable's value beside the canary's. */
export function numbersView(m: GateMeasurement): GateNumbersView {
  return { ...timelineNumbers(m), ...(m.baseline !== undefined ? { baseline: m.baseline } : {}) };
}

export function timelineEntry(event: IncidentEvent, incident: Incident): TimelineEntry {
  const corrections = incident.corrections[event.id];
  return {
    id: event.id,
    at: event.at,
    type: event.type,
    actor: plainText.text(event.actor),
    text: describeEvent(event, incident, plainText),
    ...(event.type === 'gate-verdict' ? { pass: event.pass, numbers: (event.measurements ?? []).map((m) => ({ ...m })) } : {}),
    ...(corrections && corrections.length > 0 ? { corrections: corrections.map((c) => plainText.block(c)) } : {}),
  };
}

export function timelineEntries(incident: Incident): TimelineEntry[] {
  return incident.events.map((e) => timelineEntry(e, incident));
}

const isHttp = (url: string) => /^https?:\/\//i.test(url);

export function incidentView(incident: Incident, trackerUrl?: (issue: string) => string | undefined): IncidentView {
  const links: LinkView[] = [];
  const seen = new Set<string>();
  const add = (link: LinkView) => {
    if (!isHttp(link.url) || seen.has(link.url)) return;
    seen.add(link.url);
    links.push(link);
  };
  if (incident.warRoom) add({ kind: 'war-room', label: 'War room', url: incident.warRoom });
  if (incident.statusPage) add({ kind: 'status-page', label: 'Status page', url: incident.statusPage });
  for (const l of incident.links) add({ kind: l.kind, label: l.label ?? (l.kind === 'other' ? l.url : l.kind === 'war-room' ? 'War room' : 'Status page'), url: l.url });
  // The manifests changes prepared for the incident: their pull requests, to merge before auto-sync is back.
  for (const e of incident.events) if (e.type === 'manifests-prepared' && e.pullRequest) add({ kind: 'other', label: `Manifests PR: ${e.branch}`, url: e.pullRequest });
  for (const branch of incident.hotfixes) {
    const key = /^hotfix\/([A-Z][A-Z0-9]*-\d+)/.exec(branch)?.[1];
    const url = key ? trackerUrl?.(key) : undefined;
    if (key && url) add({ kind: 'tracker', label: key, url });
  }
  const current = STATUSES.indexOf(incident.status);
  return {
    id: incident.id,
    title: plainText.text(incident.title),
    severity: incident.severity,
    status: incident.status,
    declaredAt: incident.declaredAt,
    ...(incident.resolvedAt ? { resolvedAt: incident.resolvedAt } : {}),
    ...(incident.commander ? { commander: plainText.text(incident.commander) } : {}),
    ...(incident.eta ? { eta: plainText.text(incident.eta.text) } : {}),
    links,
    // Forward moves only (a step back needs a reason: the palette asks for it); resolving needs a root cause.
    nextStatuses: incident.status === 'resolved' ? [] : STATUSES.filter((s, i) => i > current && s !== 'resolved'),
  };
}

function track(live: TargetLiveState | undefined, name: string): TrackView | undefined {
  const d = live?.deployments.find((x) => x.name === name);
  return d ? { name: d.name, image: d.images.join(', '), ready: d.available, replicas: d.replicas, ...(d.revision !== undefined ? { revision: d.revision } : {}) } : undefined;
}

export interface CanaryInputs {
  readonly state: DeployState | undefined;
  readonly live?: TargetLiveState;
  readonly target: string;
  readonly app: string;
  readonly series: readonly SeriesView[];
  /** A deploy of this target runs in this window. */
  readonly running: boolean;
  readonly note?: string;
}

export function canaryView(input: CanaryInputs): CanaryView | undefined {
  const { state } = input;
  const rollout = input.live?.rollout;
  if (!state) return rollout ? rolloutOnlyView(input, rollout) : undefined;
  const progress = state.canary;
  // A finished deploy of a Rollout hands over to its controller: the Rollout says where it stands since.
  const outcome = state.finishedAt ? (rollout ? rolloutOutcome(rollout) : (state.outcome ?? 'deployed')) : state.stopped ? 'stopped' : 'running';
  const stable = track(input.live, input.app);
  const canary = track(input.live, `${input.app}-canary`);
  const autoscaler = input.live?.autoscalers?.find((a) => a.deployment === input.app);
  const notes = [input.note, input.live?.error, input.live?.canary?.error].filter((n): n is string => !!n);
  return {
    target: input.target,
    image: state.image,
    strategy: state.strategy,
    startedAt: state.startedAt,
    actor: state.actor,
    steps: progress?.steps ?? [],
    index: progress?.index ?? -1,
    weight: input.live?.canary?.weight ?? progress?.weight ?? 0,
    phase: progress?.phase ?? (state.done.includes('preflight') ? 'ready' : 'preflight'),
    ...(progress?.pausedAt ? { pausedAt: progress.pausedAt } : {}),
    pauseMs: progress?.pauseMs ?? 0,
    outcome,
    ...(state.finishedAt ? { finishedAt: state.finishedAt } : {}),
    controllable: input.running,
    ...(stable ? { stable } : {}),
    ...(canary ? { canary } : {}),
    ...(autoscaler ? { autoscaler: autoscalerLine(autoscaler) } : {}),
    verdicts: (progress?.verdicts ?? []).map((v) => ({
      step: v.step,
      weight: v.weight,
      pass: v.verdict.pass,
      ...(v.verdict.inconclusive ? { inconclusive: true } : {}),
      reason: `${v.gate}: ${v.verdict.reason}`,
      at: v.at,
      numbers: v.verdict.measurements.map(numbersView),
    })),
    series: input.series,
    ...(notes.length > 0 ? { note: notes.join('; ') } : {}),
    ...(rollout ? { rollout: rolloutPanelView(rollout) } : {}),
  };
}

/** An argo-rollout target no deploy of this repository has run on: the Rollout alone, as its controller runs it. */
function rolloutOnlyView(input: CanaryInputs, rollout: RolloutInfo): CanaryView {
  const notes = [input.note, input.live?.error].filter((n): n is string => !!n);
  return {
    target: input.target,
    image: rollout.images.join(', '),
    strategy: 'argo-rollout',
    startedAt: '',
    actor: '',
    steps: [],
    index: -1,
    weight: rollout.actualWeight,
    phase: rollout.phase,
    pauseMs: 0,
    outcome: rolloutOutcome(rollout),
    controllable: input.running,
    verdicts: [],
    series: input.series,
    ...(notes.length > 0 ? { note: notes.join('; ') } : {}),
    rollout: rolloutPanelView(rollout),
  };
}

/** Entries of `next` after the ones already sent, if `next` only grew; undefined when it changed otherwise. */
export function appended(sent: readonly string[], next: readonly TimelineEntry[]): TimelineEntry[] | undefined {
  if (next.length < sent.length) return undefined;
  for (let i = 0; i < sent.length; i++) if (next[i]?.id !== sent[i]) return undefined;
  return next.slice(sent.length);
}
