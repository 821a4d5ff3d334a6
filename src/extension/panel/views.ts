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
import { SCORE_GATE, timelineNumbers } from '../../core/verify/numbers';
import type { StepVerdict } from '../../core/deploy/state';
import type { SampleSummary } from '../../core/verify/stats/compare';
import type { BaselineVerdict } from '../../core/verify/verdict';
import type { AgainstView, CanaryView, ComparedSeriesView, GateNumbersView, IncidentView, LinkView, ScoreView, SeriesView, SummaryView, TimelineEntry, TrackView, VerdictView } from '../../shared/protocol';
import { rolloutOutcome, rolloutPanelView } from './rollout-view';

/** The most samples of each track sent for a compared metric: the latest ones (a refresh comes every few seconds). */
export const COMPARED_POINTS = 360;
/** The name the engine gives the round's canary score (src/core/verify/compare-metric.ts, scoreMeasurement). */

/** A five-number summary the page can draw: none for an empty sample (its numbers are NaN, null in JSON). */
function summaryView(s: SampleSummary | undefined): SummaryView | undefined {
  if (!s || s.n <= 0 || ![s.min, s.q1, s.median, s.q3, s.max].every(Number.isFinite)) return undefined;
  return { n: s.n, min: s.min, q1: s.q1, median: s.median, q3: s.q3, max: s.max };
}

export function againstView(a: BaselineVerdict): AgainstView {
  const canary = summaryView(a.canary);
  const baseline = summaryView(a.baseline);
  const finite = (v: number | undefined): v is number => v !== undefined && Number.isFinite(v);
  return {
    verdict: a.verdict,
    line: a.line,
    tolerance: a.tolerance,
    weight: a.weight,
    critical: a.critical,
    ...(canary ? { canary } : {}),
    ...(baseline ? { baseline } : {}),
    ...(finite(a.u) ? { u: a.u } : {}),
    ...(finite(a.p) ? { p: a.p } : {}),
    ...(a.method ? { method: a.method } : {}),
    ...(a.alternative ? { alternative: a.alternative } : {}),
    ...(finite(a.ratio) ? { ratio: a.ratio } : {}),
    ...(finite(a.cliffsDelta) ? { cliffsDelta: a.cliffsDelta } : {}),
  };
}

/** The latest `COMPARED_POINTS` finite samples of each track (NaN would travel as null). */
export function comparedSeries(series: NonNullable<GateMeasurement['series']>): ComparedSeriesView {
  const last = (points: readonly (readonly [number, number])[]) =>
    points.filter(([t, v]) => Number.isFinite(t) && Number.isFinite(v)).slice(-COMPARED_POINTS).map(([t, v]) => [t, v] as const);
  return { canary: last(series.canary), baseline: last(series.baseline) };
}

/**
 * As the timeline keeps a measurement, plus stable's value beside the canary's; a comparison with
 * the baseline carries both summaries, and with `samples` the series it judged.
 */
export function numbersView(m: GateMeasurement, samples = false): GateNumbersView {
  return {
    ...timelineNumbers(m),
    ...(m.baseline !== undefined ? { baseline: m.baseline } : {}),
    ...(m.against !== undefined ? { against: againstView(m.against) } : {}),
    ...(samples && m.against !== undefined && m.series !== undefined ? { series: comparedSeries(m.series) } : {}),
  };
}

/** One step's verdict; the latest carries its comparisons' samples, for the charts. */
export function verdictView(v: StepVerdict, latest: boolean): VerdictView {
  const { measurements } = v.verdict;
  const compared = measurements.some((m) => m.against !== undefined);
  const scored = compared ? measurements.find((m) => m.name === SCORE_GATE && m.against === undefined) : undefined;
  const score: ScoreView | undefined = scored && {
    verdict: scored.outcome ?? 'inconclusive',
    ...(scored.value !== undefined && Number.isFinite(scored.value) ? { value: scored.value } : {}),
    ...(scored.threshold !== undefined ? { pass: scored.threshold } : {}),
  };
  return {
    step: v.step,
    weight: v.weight,
    pass: v.verdict.pass,
    ...(v.verdict.inconclusive ? { inconclusive: true } : {}),
    reason: `${v.gate}: ${v.verdict.reason}`,
    at: v.at,
    numbers: measurements.filter((m) => m !== scored).map((m) => numbersView(m, latest)),
    ...(score ? { score } : {}),
  };
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
    verdicts: (progress?.verdicts ?? []).map((v, i, all) => verdictView(v, i === all.length - 1)),
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
