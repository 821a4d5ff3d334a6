// The canary tab: what is rolling out against what is stable, the weight steps as a progress track,
// the pause clock, the latest step judged against the baseline (baseline.ts), each step's verdict with
// its numbers, a chart per gated metric, and the controls.
// An argo-rollout target shows its Rollout instead of the tracks and weight steps (rollout.ts), and
// its controls act through the Rollout (the host routes them to Argo Rollout Action…).

import '@vscode-elements/elements/dist/vscode-badge/index.js';
import '@vscode-elements/elements/dist/vscode-button/index.js';
import type { VscodeButton } from '@vscode-elements/elements/dist/vscode-button/vscode-button.js';
import type { CanaryAction, CanaryView, RolloutPanelView, TrackView, VerdictView } from '../src/shared/protocol';
import { baselineSection, comparisonItem, scoreLine, shownComparisons } from './baseline';
import { chart } from './chart';
import { type Announcer, fill, h, requestId } from './dom';
import { clock, gateLine, parseTime, utcTime, type Unit } from './format';
import type { Host } from './host';
import { phaseBadge, rolloutSection, shownFailures } from './rollout';

const OUTCOME_CLASS: Readonly<Record<string, string>> = {
  running: 'running', deployed: 'pass', 'rolled-back': 'fail', stopped: 'warn', failed: 'fail',
};

function control(label: string, aria: string, secondary: boolean): VscodeButton {
  const b = document.createElement('vscode-button');
  b.textContent = label;
  b.setAttribute('aria-label', aria);
  b.secondary = secondary;
  return b;
}

export class CanaryTab {
  readonly el = h('div', { class: 'canary-tab' });
  private readonly body = h('div', { class: 'canary-body' });
  private readonly pause = h('p', { class: 'pause' });
  private readonly error = h('p', { class: 'error', attrs: { role: 'alert' } });
  private readonly promote = control('Promote', 'Promote the canary to all traffic', false);
  private readonly pauseResume = control('Pause', 'Pause the canary', true);
  private readonly abort = control('Abort', 'Abort the canary and restore stable', true);
  private canary: CanaryView | undefined;
  private busy = false;
  private lastStep: string | undefined;
  /** The lines last reported to the host, so a refresh that changed nothing reports nothing. */
  private reported: string | undefined;

  constructor(private readonly host: Host, private readonly live: Announcer) {
    this.promote.addEventListener('click', () => this.act('promote'));
    this.pauseResume.addEventListener('click', () => this.act(this.resuming() ? 'resume' : 'pause'));
    this.abort.addEventListener('click', () => this.act('abort'));
    const controls = h('div', { class: 'controls', attrs: { role: 'group', 'aria-label': 'Canary controls' } },
      this.promote, this.pauseResume, this.abort);
    this.el.append(this.body, controls, this.error);
    this.show(undefined, undefined);
    window.setInterval(() => this.tick(), 1000);
  }

  /** A `canary` message: replaces the view. */
  show(canary: CanaryView | undefined, note: string | undefined): void {
    this.canary = canary;
    const notes = [note, canary?.note].filter((n): n is string => Boolean(n))
      .map((n) => h('p', { class: 'note', attrs: { role: 'note' }, text: n }));
    if (!canary) {
      fill(this.body, h('p', { class: 'muted', text: 'No canary deploy to show.' }), ...notes);
      this.lastStep = undefined;
      this.reported = undefined;
      this.sync();
      return;
    }
    if (canary.rollout) {
      this.showRollout(canary, canary.rollout, notes);
      return;
    }
    const outcome = document.createElement('vscode-badge');
    outcome.className = `outcome ${OUTCOME_CLASS[canary.outcome] ?? ''}`;
    outcome.textContent = canary.outcome;
    outcome.setAttribute('aria-label', `Outcome ${canary.outcome}`);
    fill(this.body,
      h('header', { class: 'canary-header' },
        h('div', { class: 'title-line' }, h('h1', { class: 'title', text: canary.target }), outcome),
        h('p', { class: 'muted', text: `${canary.strategy} · started ${this.when(canary.startedAt)} by ${canary.actor}${canary.finishedAt ? ` · finished ${this.when(canary.finishedAt)}` : ''}` })),
      ...notes,
      this.tracks(canary),
      this.steps(canary),
      h('p', { class: 'phase' }, 'Phase: ', h('strong', { text: canary.phase }), ` · canary weight ${canary.weight}%`),
      this.pause,
      ...this.judged(canary));
    const step = `${canary.target}:${canary.index}:${canary.outcome}`;
    if (this.lastStep !== undefined && this.lastStep !== step) {
      const weight = canary.steps[canary.index];
      this.live.say(canary.outcome !== 'running' ? `Canary ${canary.outcome}.`
        : `Canary at step ${canary.index + 1} of ${canary.steps.length}${weight !== undefined ? `, ${weight}%` : ''}.`);
    }
    this.lastStep = step;
    this.report(canary);
    this.tick();
    this.sync();
  }

  /** An argo-rollout target: the Rollout's section, then the verdicts and charts of a deploy from here, if any. */
  private showRollout(canary: CanaryView, r: RolloutPanelView, notes: HTMLElement[]): void {
    const deploy = canary.startedAt ? ` · last deploy from here ${this.when(canary.startedAt)} by ${canary.actor}` : '';
    fill(this.body,
      h('header', { class: 'canary-header' },
        h('div', { class: 'title-line' }, h('h1', { class: 'title', text: canary.target }), phaseBadge(r.phase)),
        h('p', { class: 'muted', text: `Argo Rollout ${r.namespace}/${r.name} · ${r.strategy}${deploy}` })),
      ...notes,
      rolloutSection(r),
      ...this.judged(canary));
    const step = `${canary.target}:rollout:${r.phase}:${r.step ?? ''}`;
    if (this.lastStep !== undefined && this.lastStep !== step) {
      this.live.say(`Rollout ${r.phase}${r.message ? `: ${r.message}` : ''}. ${r.stepLine}.`);
    }
    this.lastStep = step;
    this.report(canary);
    this.tick();
    this.sync();
  }

  /** The latest step against the baseline, every step's verdict, a chart per gated metric. */
  private judged(canary: CanaryView): (HTMLElement | false)[] {
    const units = new Map<string, Unit>(canary.series.map((sr) => [sr.gate, sr.unit]));
    return [
      baselineSection(canary.verdicts, units, (iso) => this.when(iso)),
      canary.verdicts.length > 0 && h('section', { class: 'verdicts', attrs: { 'aria-label': 'Step verdicts' } },
        h('h2', { text: 'Verdicts' }), ...canary.verdicts.map((v) => this.verdict(v, units))),
      canary.series.length > 0 && h('section', { class: 'charts', attrs: { 'aria-label': 'Gated metrics' } }, ...canary.series.map(chart)),
    ];
  }

  /** Tells the host what the page shows (read back from the DOM): a Rollout's failures, the comparisons' lines. */
  private report(canary: CanaryView): void {
    const failures = shownFailures(this.body);
    const comparisons = shownComparisons(this.body);
    const report = JSON.stringify([canary.target, failures, comparisons]);
    if (report === this.reported) return;
    this.reported = report;
    this.host.post({ kind: 'canary-rendered', target: canary.target, failures, comparisons });
  }

  private when(iso: string): string {
    const t = parseTime(iso);
    return t === undefined ? iso : `${utcTime(t)} UTC`;
  }

  private tracks(c: CanaryView): HTMLElement {
    const row = (label: string, track: TrackView | undefined, image: string): HTMLElement[] => [
      h('dt', { text: label }),
      h('dd', {},
        h('code', { text: track?.image ?? image }),
        track?.revision !== undefined ? ` · revision ${track.revision}` : '',
        track ? ` · ready ${track.ready}/${track.replicas}` : ''),
    ];
    const autoscaler = c.autoscaler ? [h('dt', { text: 'Autoscaler' }), h('dd', { text: c.autoscaler })] : [];
    return h('dl', { class: 'facts tracks' }, ...row('Canary (new)', c.canary, c.image), ...row('Stable', c.stable, c.stable?.image ?? 'unknown'), ...autoscaler);
  }

  private steps(c: CanaryView): HTMLElement {
    const items = c.steps.map((weight, i) => {
      const done = i < c.index || (i === c.index && c.outcome === 'deployed');
      const state = done ? 'done' : i === c.index ? 'current' : 'pending';
      const li = h('li', { class: `step ${state}`, attrs: { 'aria-label': `Step ${i + 1} of ${c.steps.length}, ${weight}%, ${state}` } },
        h('span', { class: 'dot', attrs: { 'aria-hidden': 'true' } }), h('span', { text: `${weight}%` }));
      if (state === 'current') li.setAttribute('aria-current', 'step');
      return li;
    });
    const bar = h('div', { class: 'weight-bar', attrs: { role: 'progressbar', 'aria-label': 'Canary traffic weight', 'aria-valuemin': '0', 'aria-valuemax': '100', 'aria-valuenow': String(c.weight) } },
      h('div', { class: 'weight-fill' }));
    const fillEl = bar.firstElementChild as HTMLElement;
    fillEl.style.transform = `scaleX(${Math.max(0, Math.min(100, c.weight)) / 100})`;
    const current = c.index >= 0 ? `Step ${c.index + 1} of ${c.steps.length}` : 'Not started';
    return h('section', { class: 'progress', attrs: { 'aria-label': 'Rollout steps' } },
      h('p', { class: 'step-of', text: `${current} · ${c.weight}% of traffic on the canary` }),
      h('ol', { class: 'steps' }, ...items), bar);
  }

  private verdict(v: VerdictView, units: ReadonlyMap<string, Unit>): HTMLElement {
    const label = v.inconclusive ? 'inconclusive' : v.pass ? 'pass' : 'fail';
    return h('div', { class: `verdict ${label}` },
      h('p', {}, h('span', { class: `chip ${label}`, text: label }), ` Step ${v.step} (${v.weight}%)`,
        v.at ? h('span', { class: 'muted', text: ` · ${this.when(v.at)}` }) : '', ` — ${v.reason}`),
      h('ul', { class: 'numbers' }, v.score ? h('li', { class: 'score-item' }, scoreLine(v.score, true)) : '', ...v.numbers.map((n) => {
        if (n.against) return comparisonItem({ ...n, against: n.against }, units);
        const line = gateLine(n, units.get(n.gate));
        const cls = n.verdict === 'fail' ? 'fail' : n.verdict === 'pass' ? 'pass' : '';
        return h('li', { class: cls }, h('span', { class: 'main', text: line.main }), line.detail ? h('span', { class: 'muted', text: ` (${line.detail})` }) : '');
      })));
  }

  /** The pause clock: how long this step has paused and how long is left, ticking locally. */
  private tick(): void {
    const c = this.canary;
    const start = parseTime(c?.pausedAt);
    if (!c || start === undefined || c.outcome !== 'running') {
      this.pause.hidden = true;
      return;
    }
    const now = Date.now();
    this.pause.hidden = false;
    this.pause.textContent = `Paused ${clock(now - start)} · ${clock(start + c.pauseMs - now)} left`;
  }

  private resuming(): boolean {
    const r = this.canary?.rollout;
    return r ? r.actions.includes('resume') : this.canary?.outcome === 'stopped';
  }

  private sync(): void {
    const c = this.canary;
    if (c?.rollout) {
      this.syncRollout(c.rollout);
      return;
    }
    const resume = this.resuming();
    this.pauseResume.textContent = resume ? 'Resume' : 'Pause';
    this.pauseResume.setAttribute('aria-label', resume ? 'Resume the canary' : 'Pause the canary');
    this.promote.setAttribute('aria-label', 'Promote the canary to all traffic');
    this.abort.setAttribute('aria-label', 'Abort the canary and restore stable');
    const live = Boolean(c?.controllable) && !this.busy;
    this.promote.disabled = !live;
    this.pauseResume.disabled = !(live || (resume && !this.busy));
    this.abort.disabled = !(live || (resume && !this.busy));
  }

  /** A Rollout's controls: those its phase allows (the host checks again, and the operation decides). */
  private syncRollout(r: RolloutPanelView): void {
    const can = (a: CanaryAction) => !this.busy && r.actions.includes(a);
    const resume = this.resuming();
    this.pauseResume.textContent = resume ? 'Resume' : 'Pause';
    this.pauseResume.setAttribute('aria-label', resume ? 'Resume the Rollout' : 'Pause the Rollout');
    this.promote.setAttribute('aria-label', 'Promote the Rollout to its next step');
    this.abort.setAttribute('aria-label', 'Abort the Rollout: traffic back to stable');
    this.promote.disabled = !can('promote');
    this.pauseResume.disabled = !can(resume ? 'resume' : 'pause');
    this.abort.disabled = !can('abort');
  }

  private act(action: CanaryAction): void {
    const c = this.canary;
    if (!c || this.busy) return;
    const id = requestId();
    this.busy = true;
    this.error.textContent = '';
    this.sync();
    this.host.expect(id, (reply) => {
      this.busy = false;
      if (!reply.ok) this.error.textContent = reply.message ?? `Could not ${action} the canary.`;
      this.sync();
    });
    this.host.post({ kind: 'canary-action', id, action, target: c.target });
  }
}
