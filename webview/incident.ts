// The incident tab: severity, title, status, commander, ETA, time since declared, links, "Add note"
// and "Update status" above the timeline. Requests carry a fresh id; their reply re-enables them.

import '@vscode-elements/elements/dist/vscode-badge/index.js';
import '@vscode-elements/elements/dist/vscode-button/index.js';
import '@vscode-elements/elements/dist/vscode-option/index.js';
import '@vscode-elements/elements/dist/vscode-single-select/index.js';
import '@vscode-elements/elements/dist/vscode-textarea/index.js';
import type { VscodeButton } from '@vscode-elements/elements/dist/vscode-button/vscode-button.js';
import type { VscodeSingleSelect } from '@vscode-elements/elements/dist/vscode-single-select/vscode-single-select.js';
import type { VscodeTextarea } from '@vscode-elements/elements/dist/vscode-textarea/vscode-textarea.js';
import type { IncidentView, PanelState, TimelineEntry } from '../src/shared/protocol';
import { type Announcer, fill, h, requestId } from './dom';
import { parseTime, shortDuration } from './format';
import type { Host } from './host';
import { Timeline } from './timeline';

function button(label: string, ariaLabel: string, secondary = false): VscodeButton {
  const b = document.createElement('vscode-button');
  b.textContent = label;
  b.setAttribute('aria-label', ariaLabel);
  b.secondary = secondary;
  return b;
}

/** A CSS class per severity (SEV0..SEV3); anything else gets the neutral badge. */
function severityClass(severity: string): string {
  const m = /^sev([0-3])$/i.exec(severity.trim());
  return m ? `sev sev${m[1]}` : 'sev';
}

export class IncidentTab {
  readonly el = h('div', { class: 'incident-tab' });
  readonly timeline: Timeline;
  private readonly header = h('header', { class: 'incident-header' });
  private readonly note = h('p', { class: 'note', attrs: { role: 'note' } });
  private readonly elapsed = h('span', { class: 'elapsed' });
  private readonly noteText: VscodeTextarea = document.createElement('vscode-textarea');
  private readonly addNote = button('Add note', 'Add note to the incident timeline');
  private readonly noteError = h('p', { class: 'error', attrs: { role: 'alert' } });
  private readonly statusSelect: VscodeSingleSelect = document.createElement('vscode-single-select');
  private readonly updateStatus = button('Update status', 'Update the incident status', true);
  private readonly statusError = h('p', { class: 'error', attrs: { role: 'alert' } });
  private readonly actions: HTMLElement;
  private incident: IncidentView | undefined;
  private noteBusy = false;
  private statusBusy = false;

  constructor(private readonly host: Host, private readonly live: Announcer, state: PanelState) {
    this.timeline = new Timeline(state.hidden ?? [], (hidden) => host.update({ hidden }));
    this.noteText.placeholder = 'What happened, what was tried, what is next';
    this.noteText.rows = 2;
    this.noteText.setAttribute('aria-label', 'Note text');
    this.noteText.addEventListener('input', () => this.syncButtons());
    this.addNote.addEventListener('click', () => this.sendNote());
    this.statusSelect.setAttribute('aria-label', 'Next status');
    this.updateStatus.addEventListener('click', () => this.sendStatus());
    this.actions = h('div', { class: 'actions' },
      h('div', { class: 'add-note' }, this.noteText, this.addNote, this.noteError),
      h('div', { class: 'update-status' }, this.statusSelect, this.updateStatus, this.statusError));
    this.note.hidden = true;
    this.el.append(this.header, this.note, this.actions, this.timeline.el);
    this.showIncident(undefined, undefined);
    window.setInterval(() => this.tick(), 30_000);
  }

  /** An `incident` message: replaces the header and the whole timeline. */
  show(incident: IncidentView | undefined, entries: readonly TimelineEntry[], note: string | undefined): void {
    const same = incident !== undefined && incident.id === this.incident?.id;
    this.showIncident(incident, note);
    this.timeline.show(entries, incident?.declaredAt, same);
  }

  /** A `timeline-append` message for the incident shown (others are ignored). */
  append(incidentId: string, entries: readonly TimelineEntry[]): void {
    if (incidentId !== this.incident?.id) return;
    const added = this.timeline.append(entries);
    const last = added[added.length - 1];
    if (last) this.live.say(added.length === 1 ? `New event: ${last.type}, ${last.text}` : `${added.length} new events; last: ${last.type}, ${last.text}`);
  }

  /** What stands above the timeline's viewport: when it changes size, the viewport is refitted. */
  get above(): readonly Element[] {
    return [this.header, this.note, this.actions, this.timeline.filterBar];
  }

  get id(): string | undefined {
    return this.incident?.id;
  }

  private showIncident(incident: IncidentView | undefined, note: string | undefined): void {
    this.incident = incident;
    this.note.textContent = note ?? '';
    this.note.hidden = !note;
    this.actions.hidden = incident === undefined;
    if (!incident) {
      fill(this.header, h('p', { class: 'muted', text: 'No incident is open.' }));
      return;
    }
    const badge = document.createElement('vscode-badge');
    badge.className = severityClass(incident.severity);
    badge.textContent = incident.severity;
    badge.setAttribute('aria-label', `Severity ${incident.severity}`);
    const facts: [string, string | undefined][] = [
      ['Status', incident.status], ['Commander', incident.commander], ['ETA', incident.eta],
    ];
    const links = incident.links.map((link) => {
      const b = button(link.label, `Open ${link.label} (${link.kind}) in the browser`, true);
      b.title = link.url;
      b.addEventListener('click', () => this.host.post({ kind: 'open-link', url: link.url }));
      return b;
    });
    fill(this.header,
      h('div', { class: 'title-line' }, badge, h('h1', { class: 'title', text: incident.title }), h('span', { class: 'muted', text: incident.id })),
      h('dl', { class: 'facts' },
        ...facts.flatMap(([k, v]) => (v ? [h('dt', { text: k }), h('dd', { class: k === 'Status' ? `status status-${incident.status}` : '', text: v })] : [])),
        h('dt', { text: incident.resolvedAt ? 'Lasted' : 'Declared' }), h('dd', {}, this.elapsed)),
      links.length > 0 && h('div', { class: 'links', attrs: { role: 'group', 'aria-label': 'Links' } }, ...links));
    this.tick();
    const options = incident.nextStatuses.map((status) => {
      const o = document.createElement('vscode-option');
      o.value = status;
      o.textContent = status;
      return o;
    });
    this.statusSelect.replaceChildren(...options);
    if (options[0]) this.statusSelect.value = incident.nextStatuses[0] ?? '';
    this.statusError.textContent = '';
    this.syncButtons();
  }

  /** Time since declared (or how long it lasted), refreshed every 30 s without asking the host. */
  private tick(): void {
    const incident = this.incident;
    const declared = parseTime(incident?.declaredAt);
    if (!incident || declared === undefined) {
      this.elapsed.textContent = '';
      return;
    }
    const resolved = parseTime(incident.resolvedAt);
    this.elapsed.textContent = resolved !== undefined ? shortDuration(resolved - declared) : `${shortDuration(Date.now() - declared)} ago`;
    this.elapsed.title = `${new Date(declared).toISOString()} (UTC)`;
  }

  private syncButtons(): void {
    this.noteText.disabled = this.noteBusy;
    this.addNote.disabled = this.noteBusy || !this.incident || this.noteText.value.trim() === '';
    const canMove = (this.incident?.nextStatuses.length ?? 0) > 0;
    this.statusSelect.disabled = this.statusBusy || !canMove;
    this.updateStatus.disabled = this.statusBusy || !canMove;
  }

  private sendNote(): void {
    const incident = this.incident;
    const text = this.noteText.value.trim();
    if (!incident || this.noteBusy || text === '') return;
    const id = requestId();
    this.noteBusy = true;
    this.noteError.textContent = '';
    this.syncButtons();
    this.host.expect(id, (reply) => {
      this.noteBusy = false;
      if (reply.ok) {
        this.noteText.value = '';
        this.live.say('Note added.');
      } else {
        this.noteError.textContent = reply.message ?? 'The note was not added.';
      }
      this.syncButtons();
    });
    this.host.post({ kind: 'add-note', id, incident: incident.id, text });
  }

  private sendStatus(): void {
    const incident = this.incident;
    const status = this.statusSelect.value;
    if (!incident || this.statusBusy || !incident.nextStatuses.includes(status)) return;
    const id = requestId();
    this.statusBusy = true;
    this.statusError.textContent = '';
    this.syncButtons();
    this.host.expect(id, (reply) => {
      this.statusBusy = false;
      if (reply.ok) this.live.say(`Status set to ${status}.`);
      else this.statusError.textContent = reply.message ?? 'The status was not changed.';
      this.syncButtons();
    });
    this.host.post({ kind: 'update-status', id, incident: incident.id, status });
  }
}
