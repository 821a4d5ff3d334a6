// The typed protocol between the extension and its webview panel, imported by both sides.
// Messages carry a `kind`; requests from the webview carry an `id` that the host's `reply` echoes.
// The host checks every message from the webview with isWebviewToHost (kind and every field) and
// ignores anything else; the webview checks the host's messages with isHostToWebview.
//
// Everything here is data: strings from people, git and the cluster travel as plain strings and the
// webview sets them as text (textContent), never as HTML.

export const PROTOCOL_VERSION = 4;

// ---- What the panel shows ----

/** One measurement of a gate, with its numbers, as the timeline and the canary view show it. */
export interface GateNumbersView {
  readonly gate: string;
  readonly value?: number;
  readonly baseline?: number;
  readonly threshold?: number;
  /** How value must stand to threshold to pass: `<=` a maximum, `>=` a minimum. */
  readonly comparison?: string;
  readonly query?: string;
  readonly window?: string;
  /** pass, fail or inconclusive. */
  readonly verdict?: string;
  /** A metric judged against its baseline (compare: baseline): the test, the effect and the verdict. */
  readonly against?: AgainstView;
  /** The samples judged, both tracks; the canary view sends them for the latest step only. */
  readonly series?: ComparedSeriesView;
}

/** A sample's five numbers, as a box plot draws them. */
export interface SummaryView {
  readonly n: number;
  readonly min: number;
  readonly q1: number;
  readonly median: number;
  readonly q3: number;
  readonly max: number;
}

/**
 * A canary's metric against its baseline, judged by a Mann-Whitney U test. The canary view carries
 * both five-number summaries; the timeline keeps only the medians and the sample counts.
 */
export interface AgainstView {
  /** pass, marginal, fail or no-data. */
  readonly verdict: string;
  /** The one line that explains the verdict, with its numbers. */
  readonly line: string;
  /** How much worse the canary's median may be, as a fraction (0.1: 10%). */
  readonly tolerance: number;
  /** Its share of the canary score. */
  readonly weight?: number;
  /** Failing it fails the step whatever the score. */
  readonly critical?: boolean;
  readonly canary?: SummaryView;
  readonly baseline?: SummaryView;
  readonly u?: number;
  readonly p?: number;
  /** exact or normal (the normal approximation). */
  readonly method?: string;
  /** greater, less or two-sided: which direction of the canary counts as worse. */
  readonly alternative?: string;
  /** The canary's median over the baseline's. */
  readonly ratio?: number;
  /** Cliff's delta, -1..1 (positive: the canary larger). */
  readonly cliffsDelta?: number;
  readonly canaryMedian?: number;
  readonly canarySamples?: number;
  readonly baselineMedian?: number;
  readonly baselineSamples?: number;
}

/** Both tracks' samples over the window compared, [epoch ms, value]. */
export interface ComparedSeriesView {
  readonly canary: readonly (readonly [number, number])[];
  readonly baseline: readonly (readonly [number, number])[];
}

/** The round's canary score over the compared metrics, and the score it needed to pass. */
export interface ScoreView {
  /** 0..100; absent when nothing could be scored. */
  readonly value?: number;
  /** The pass band's lower bound. */
  readonly pass?: number;
  /** pass, fail or inconclusive (marginal, or waiting for data). */
  readonly verdict: string;
}

/** One timeline event: its type (for the filter), who, when, and a plain-text sentence. */
export interface TimelineEntry {
  readonly id: string;
  /** ISO 8601. */
  readonly at: string;
  readonly type: string;
  readonly actor: string;
  readonly text: string;
  /** Gate verdicts: passed or not, and the numbers. */
  readonly pass?: boolean;
  readonly numbers?: readonly GateNumbersView[];
  /** Corrections made to this event later, as plain text. */
  readonly corrections?: readonly string[];
}

export interface LinkView {
  readonly kind: 'war-room' | 'status-page' | 'tracker' | 'other';
  readonly label: string;
  readonly url: string;
}

export interface IncidentView {
  readonly id: string;
  readonly title: string;
  /** SEV0 .. SEV3. */
  readonly severity: string;
  readonly status: string;
  readonly declaredAt: string;
  readonly resolvedAt?: string;
  readonly commander?: string;
  readonly eta?: string;
  readonly links: readonly LinkView[];
  /** The statuses "Update status" may move to from here. */
  readonly nextStatuses: readonly string[];
}

export interface TrackView {
  readonly name: string;
  readonly image: string;
  readonly revision?: number;
  readonly ready: number;
  readonly replicas: number;
}

export interface VerdictView {
  /** 1-based. */
  readonly step: number;
  readonly weight: number;
  readonly pass: boolean;
  readonly inconclusive?: boolean;
  readonly reason: string;
  readonly at?: string;
  readonly numbers: readonly GateNumbersView[];
  /** With metrics compared against the baseline: the round's canary score (not among the numbers). */
  readonly score?: ScoreView;
}

/** A gated metric over the deploy (Prometheus query_range), with its bound drawn on the chart. */
export interface SeriesView {
  readonly gate: string;
  /** How to print values: ratio (as %), seconds (as ms/s) or a plain number. */
  readonly unit: 'ratio' | 'seconds' | 'number';
  readonly threshold?: number;
  readonly comparison?: string;
  /** [epoch ms, value]. */
  readonly points: readonly (readonly [number, number])[];
}

/** One step of a Rollout's canary in words ("setWeight 50", "pause (until promoted)", "analysis error-rate"), and where the Rollout is. */
export interface RolloutStepPanelView {
  readonly text: string;
  readonly state: 'done' | 'current' | 'pending';
}

/** A Rollout's stable or canary ReplicaSet. */
export interface RolloutSetPanelView {
  readonly name: string;
  readonly images: readonly string[];
  readonly ready: number;
  readonly replicas: number;
  readonly revision?: number;
}

export interface MeasurementPanelView {
  /** Successful, Failed, Inconclusive, Error, Running. */
  readonly phase: string;
  /** The measured value as the controller stored it (text: "0.12", "[0.12]"). */
  readonly value?: string;
  readonly message?: string;
  /** When it finished (else started), ISO. */
  readonly at?: string;
}

export interface MetricPanelView {
  readonly name: string;
  /** What is measured, in words: "web: GET http://… ($.errorRate)", "prometheus: <query>". */
  readonly provider: string;
  readonly phase?: string;
  readonly message?: string;
  readonly successCondition?: string;
  readonly failureCondition?: string;
  readonly failureLimit?: string;
  readonly inconclusiveLimit?: string;
  /** The tallies in words: "1 failed, 0 successful of 1 (count 1)". */
  readonly counts: string;
  readonly measurements: readonly MeasurementPanelView[];
}

export interface AnalysisRunPanelView {
  readonly name: string;
  /** Pending, Running, Successful, Failed, Error, Inconclusive. */
  readonly phase: string;
  readonly message?: string;
  /** A run that failed: which metric, its value and the condition it broke, in one line. */
  readonly failure?: string;
  /** Step, Background, PrePromotion, PostPromotion. */
  readonly type?: string;
  /** The step it ran at, 1-based. */
  readonly step?: number;
  readonly revision?: number;
  readonly metrics: readonly MetricPanelView[];
}

/** An Argo Rollout as the canary tab shows it: read from the Rollout, its ReplicaSets and AnalysisRuns. */
export interface RolloutPanelView {
  readonly name: string;
  readonly namespace: string;
  /** canary or blueGreen. */
  readonly strategy: string;
  /** Healthy, Progressing, Paused, Degraded. */
  readonly phase: string;
  readonly message: string;
  /** "step 1/3 (analysis error-rate), weight 50%", as the CLI and the Deployments view say it. */
  readonly stepLine: string;
  /** The current step, 0-based (steps.length when all are done); undefined without steps. */
  readonly step?: number;
  readonly setWeight: number;
  readonly actualWeight: number;
  readonly awaitingPromotion: boolean;
  readonly aborted: boolean;
  /** Paused by hand (spec.paused): Resume ends it; a pause step waits for Promote. */
  readonly paused: boolean;
  readonly steps: readonly RolloutStepPanelView[];
  readonly stable?: RolloutSetPanelView;
  readonly canary?: RolloutSetPanelView;
  /** Newest first. */
  readonly analysisRuns: readonly AnalysisRunPanelView[];
  /** Why the current revision's analysis failed, in one line. */
  readonly failure?: string;
  /** The controls that apply now. */
  readonly actions: readonly CanaryAction[];
}

export interface CanaryView {
  readonly target: string;
  readonly image: string;
  readonly strategy: string;
  readonly startedAt: string;
  readonly actor: string;
  readonly steps: readonly number[];
  /** The current step, 0-based; -1 before the first. */
  readonly index: number;
  /** The canary's share of traffic now, in percent. */
  readonly weight: number;
  /** ready, shifting, paused, passed, promoting, promoted. */
  readonly phase: string;
  /** When the current step's pause began (ISO); with pauseMs, the time left. */
  readonly pausedAt?: string;
  readonly pauseMs: number;
  /** running (in this window or elsewhere), deployed, rolled-back, stopped, failed. */
  readonly outcome: string;
  readonly finishedAt?: string;
  /** A deploy running in this window: Pause/Promote/Abort act on it directly. */
  readonly controllable: boolean;
  readonly stable?: TrackView;
  readonly canary?: TrackView;
  /** The HPA that scales stable, in words: its bounds, replicas, and whether the canary holds them. */
  readonly autoscaler?: string;
  readonly verdicts: readonly VerdictView[];
  readonly series: readonly SeriesView[];
  /** Why something could not be read (the cluster, Prometheus), shown as a note. */
  readonly note?: string;
  /** An argo-rollout target: the Rollout, its steps and AnalysisRuns (its controller runs the canary). */
  readonly rollout?: RolloutPanelView;
}

/** What the webview keeps with getState/setState, and the serializer hands back after a reload. */
export interface PanelState {
  readonly root?: string;
  readonly incident?: string;
  readonly target?: string;
  readonly tab?: 'timeline' | 'canary';
  /** Event types hidden by the filter. */
  readonly hidden?: readonly string[];
}

// ---- Extension -> webview ----

export type HostToWebview =
  | { readonly kind: 'hello'; readonly protocol: number; readonly tab: 'timeline' | 'canary' }
  /** The whole incident: replaces what the panel shows. */
  | { readonly kind: 'incident'; readonly incident: IncidentView | undefined; readonly entries: readonly TimelineEntry[]; readonly note?: string }
  /** Events newer than the last ones sent, appended in order. */
  | { readonly kind: 'timeline-append'; readonly incident: string; readonly entries: readonly TimelineEntry[] }
  | { readonly kind: 'canary'; readonly canary: CanaryView | undefined; readonly note?: string }
  | { readonly kind: 'reply'; readonly id: string; readonly ok: boolean; readonly message?: string };

// ---- Webview -> extension ----

export type CanaryAction = 'promote' | 'pause' | 'resume' | 'abort';

export type WebviewToHost =
  | { readonly kind: 'ready'; readonly state?: PanelState }
  | { readonly kind: 'canary-action'; readonly id: string; readonly action: CanaryAction; readonly target: string }
  | { readonly kind: 'add-note'; readonly id: string; readonly incident: string; readonly text: string }
  | { readonly kind: 'update-status'; readonly id: string; readonly incident: string; readonly status: string }
  | { readonly kind: 'open-link'; readonly url: string }
  | { readonly kind: 'state'; readonly state: PanelState }
  /** After the first render of a timeline: how many entries and how long it took (for the benchmark and tests). */
  | { readonly kind: 'rendered'; readonly entries: number; readonly rows: number; readonly ms: number }
  /**
   * After the canary renders: a Rollout's failure lines and the explanation of each metric compared
   * against the baseline, as the page shows them (read back from its DOM, for the extension-host tests).
   */
  | { readonly kind: 'canary-rendered'; readonly target: string; readonly failures: readonly string[]; readonly comparisons?: readonly string[] };

// ---- Guards ----

const MAX_TEXT = 10_000;
const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const isString = (v: unknown, max = 200): v is string => typeof v === 'string' && v.length <= max;
const isId = (v: unknown): v is string => typeof v === 'string' && /^[A-Za-z0-9._:-]{1,64}$/.test(v);
const isNumber = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v);
const isLines = (v: unknown): v is string[] => Array.isArray(v) && v.length <= 50 && v.every((f) => isString(f, 2000));
const ACTIONS: readonly string[] = ['promote', 'pause', 'resume', 'abort'];
const TABS: readonly string[] = ['timeline', 'canary'];

export function isPanelState(value: unknown): value is PanelState {
  if (!isObject(value)) return false;
  const s = value;
  return (
    (s.root === undefined || isString(s.root, 4096)) &&
    (s.incident === undefined || isId(s.incident)) &&
    (s.target === undefined || isId(s.target)) &&
    (s.tab === undefined || (typeof s.tab === 'string' && TABS.includes(s.tab))) &&
    (s.hidden === undefined || (Array.isArray(s.hidden) && s.hidden.length <= 100 && s.hidden.every((h) => isString(h, 64))))
  );
}

/** Everything the host accepts from the webview; anything else is ignored. */
export function isWebviewToHost(value: unknown): value is WebviewToHost {
  if (!isObject(value)) return false;
  const m = value;
  switch (m.kind) {
    case 'ready':
      return m.state === undefined || isPanelState(m.state);
    case 'canary-action':
      return isId(m.id) && typeof m.action === 'string' && ACTIONS.includes(m.action) && isId(m.target);
    case 'add-note':
      return isId(m.id) && isId(m.incident) && isString(m.text, MAX_TEXT) && m.text.trim().length > 0;
    case 'update-status':
      return isId(m.id) && isId(m.incident) && isString(m.status, 32);
    case 'open-link':
      return isString(m.url, 2048);
    case 'state':
      return isPanelState(m.state);
    case 'rendered':
      return isNumber(m.entries) && isNumber(m.rows) && isNumber(m.ms);
    case 'canary-rendered':
      return isId(m.target) && isLines(m.failures) && (m.comparisons === undefined || isLines(m.comparisons));
    default:
      return false;
  }
}

export function isHostToWebview(value: unknown): value is HostToWebview {
  if (!isObject(value)) return false;
  const m = value;
  switch (m.kind) {
    case 'hello':
      return isNumber(m.protocol) && typeof m.tab === 'string' && TABS.includes(m.tab);
    case 'incident':
      return (m.incident === undefined || isObject(m.incident)) && Array.isArray(m.entries);
    case 'timeline-append':
      return typeof m.incident === 'string' && Array.isArray(m.entries);
    case 'canary':
      return m.canary === undefined || isObject(m.canary);
    case 'reply':
      return typeof m.id === 'string' && typeof m.ok === 'boolean';
    default:
      return false;
  }
}
