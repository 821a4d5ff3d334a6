// The incident timeline: every event in time order in a virtualized list, with a filter by type.
// Appends add rows without repainting the rest and follow the end only when the reader is there.

import '@vscode-elements/elements/dist/vscode-checkbox/index.js';
import type { TimelineEntry } from '../src/shared/protocol';
import { h } from './dom';
import { gateLine, parseTime, sinceDeclared, utcTime } from './format';
import { VirtualList } from './virtual-list';

/** Two lines of text; kept in step with .vrow in media/panel.css (set from here via the CSSOM). */
export const ROW_HEIGHT = 48;

interface Row {
  readonly entry: TimelineEntry;
  readonly at: number;
}

export class Timeline {
  readonly el: HTMLElement;
  readonly list = new VirtualList<Row>(ROW_HEIGHT, (row, item) => this.renderRow(row, item), 'Incident timeline, oldest first');
  readonly filterBar = h('div', { class: 'filter', attrs: { role: 'group', 'aria-label': 'Show event types' } });
  private readonly empty = h('p', { class: 'muted empty', text: 'No events yet.' });
  private readonly boxes = new Map<string, { box: HTMLElement & { checked: boolean }; count: number }>();
  private rows: Row[] = [];
  private readonly ids = new Set<string>();
  private visible: Row[] = [];
  private declared = 0;
  private hidden: Set<string>;

  constructor(hidden: readonly string[], private readonly onFilter: (hidden: readonly string[]) => void) {
    this.hidden = new Set(hidden);
    this.el = h('section', { class: 'timeline', attrs: { 'aria-label': 'Timeline' } }, this.filterBar, this.empty, this.list.scroller);
  }

  /** Replaces every entry (a new `incident` message); a new incident starts at its latest event. */
  show(entries: readonly TimelineEntry[], declaredAt: string | undefined, sameIncident: boolean): void {
    const follow = !sameIncident || this.list.atBottom();
    this.declared = parseTime(declaredAt) ?? 0;
    this.rows = [];
    this.ids.clear();
    for (const entry of entries) this.add(entry);
    // Stable sort: events with the same time keep the order the host sent them in.
    this.rows.sort((a, b) => a.at - b.at);
    this.rebuildFilter();
    this.visible = this.rows.filter((r) => !this.hidden.has(r.entry.type));
    this.empty.hidden = this.rows.length > 0;
    this.list.setItems(this.visible, { follow });
  }

  /** Adds newer events; returns those that were new (already-known ids are skipped). */
  append(entries: readonly TimelineEntry[]): TimelineEntry[] {
    const follow = this.list.atBottom();
    const added: TimelineEntry[] = [];
    let inOrder = true;
    let newType = false;
    for (const entry of entries) {
      const row = this.add(entry);
      if (!row) continue;
      added.push(entry);
      const last = this.rows[this.rows.length - 2];
      if (last && last.at > row.at) inOrder = false;
      const known = this.boxes.get(entry.type);
      if (known) {
        known.count++;
        this.label(known.box, entry.type, known.count);
      } else newType = true;
    }
    if (added.length === 0) return added;
    if (newType) this.rebuildFilter();
    this.empty.hidden = true;
    if (inOrder) {
      const from = this.visible.length;
      for (const row of this.rows.slice(-added.length)) if (!this.hidden.has(row.entry.type)) this.visible.push(row);
      this.list.setItems(this.visible, { follow, dirtyFrom: from });
    } else {
      // A late event from before the last one shown: put it in its place, repaint what is in view.
      this.rows.sort((a, b) => a.at - b.at);
      this.visible = this.rows.filter((r) => !this.hidden.has(r.entry.type));
      this.list.setItems(this.visible, { follow });
    }
    return added;
  }

  private add(entry: TimelineEntry): Row | undefined {
    if (this.ids.has(entry.id)) return undefined;
    this.ids.add(entry.id);
    const row = { entry, at: parseTime(entry.at) ?? 0 };
    this.rows.push(row);
    return row;
  }

  private rebuildFilter(): void {
    const counts = new Map<string, number>();
    for (const r of this.rows) counts.set(r.entry.type, (counts.get(r.entry.type) ?? 0) + 1);
    this.boxes.clear();
    const boxes = [...counts].sort(([a], [b]) => a.localeCompare(b)).map(([type, count]) => {
      const box = document.createElement('vscode-checkbox');
      box.checked = !this.hidden.has(type);
      box.dataset['type'] = type;
      this.label(box, type, count);
      box.addEventListener('change', () => this.toggle(type, box.checked));
      this.boxes.set(type, { box, count });
      return box;
    });
    this.filterBar.replaceChildren(...(boxes.length > 1 ? [h('span', { class: 'muted', text: 'Show:' }), ...boxes] : []));
  }

  private label(box: HTMLElement, type: string, count: number): void {
    box.textContent = `${type} (${count})`;
  }

  private toggle(type: string, shown: boolean): void {
    if (shown) this.hidden.delete(type);
    else this.hidden.add(type);
    this.visible = this.rows.filter((r) => !this.hidden.has(r.entry.type));
    this.list.setItems(this.visible, { follow: this.list.atBottom() });
    this.onFilter([...this.hidden].sort());
  }

  private renderRow(row: HTMLElement, { entry, at }: Row): void {
    const verdict = entry.pass === undefined ? undefined
      : h('span', { class: `chip ${entry.pass ? 'pass' : 'fail'}`, text: entry.pass ? 'pass' : 'fail' });
    const numbers = (entry.numbers ?? []).map((n) => gateLine(n));
    const corrections = entry.corrections ?? [];
    const second: (HTMLElement | undefined)[] = [
      verdict,
      numbers.length ? h('span', { class: 'numbers', text: numbers.map((n) => (n.detail ? `${n.main} (${n.detail})` : n.main)).join(' · ') }) : undefined,
      corrections.length ? h('span', { class: 'correction', text: `Corrected: ${corrections.join(' · ')}` }) : undefined,
    ];
    row.className = `vrow${entry.pass === false ? ' failed' : ''}`;
    row.replaceChildren(
      h('div', { class: 'line' },
        h('time', { class: 'at', text: utcTime(at), attrs: { datetime: entry.at } }),
        h('span', { class: 'since muted', text: sinceDeclared(at, this.declared) }),
        h('span', { class: 'type', text: entry.type }),
        h('span', { class: 'actor', text: entry.actor }),
        h('span', { class: 'text', text: entry.text })),
      h('div', { class: 'line sub' }, ...second.filter((c): c is HTMLElement => c !== undefined)),
    );
    // The full text where the row clamps it, set as a DOM property (never parsed).
    row.title = [
      `${utcTime(at)} UTC · ${entry.type} · ${entry.actor}`,
      entry.text,
      ...numbers.map((n) => (n.detail ? `${n.main} (${n.detail})` : n.main)),
      ...corrections.map((c) => `Corrected: ${c}`),
    ].join('\n');
  }
}
