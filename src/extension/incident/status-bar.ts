// The incident indicator: while an incident is open, `$(flame) SEV1 Payment Gateway Down · 23m ·
// identified` on a background of its severity, ticking once a minute; several open show the most
// severe and `+N`. Hidden when none is open. Clicking opens the incident's timeline panel.

import * as vscode from 'vscode';
import { describeEvent, formatTime, plainText } from '../../core/incident/describe';
import { COMMANDS } from '../../shared/ids';
import { Disposable } from '../lifecycle';
import { backgroundId, shortTitle, since } from './present';
import type { IncidentService, Located } from './service';

/** What the item shows, for host tests (the extension host cannot read the workbench's DOM). */
export interface StatusBarState {
  readonly visible: boolean;
  readonly text: string;
  /** The theme colour id of the background, when it has one. */
  readonly background?: string;
  readonly tooltip: string;
  readonly command?: string;
  /** The incident it stands for. */
  readonly incident?: string;
}

const TICK_MS = 60_000;
export const OPEN_TITLE = 'Open the incident timeline';

export class IncidentStatusBar extends Disposable {
  private readonly item: vscode.StatusBarItem;
  private timer: ReturnType<typeof setInterval> | undefined;
  private open: readonly Located[] = [];
  private background: string | undefined;
  private refreshing: Promise<void> = Promise.resolve();

  constructor(private readonly service: IncidentService, private readonly log: vscode.LogOutputChannel) {
    super();
    // Left, near the branch indicator: the most important thing in the window while it is open.
    this.item = this.register(vscode.window.createStatusBarItem('hotfixDeployer.incident', vscode.StatusBarAlignment.Left, 50));
    this.item.name = 'Hotfix: Open Incident';
    this.register(service.onDidChange(() => void this.refresh()));
    this.register({ dispose: () => this.stopTimer() });
    void this.refresh();
  }

  /** Reads the open incidents again and redraws; resolves when drawn. */
  refresh(): Promise<void> {
    this.refreshing = this.refreshing.then(async () => {
      try {
        this.open = await this.service.active();
      } catch (error) {
        this.log.error('reading open incidents for the status bar', error);
        this.open = [];
      }
      this.draw();
    });
    return this.refreshing;
  }

  /** The item as drawn once pending refreshes are done. */
  async state(): Promise<StatusBarState> {
    await this.refreshing;
    const tooltip = this.item.tooltip;
    const background = this.background;
    const command = this.item.command;
    return {
      visible: this.open.length > 0,
      text: this.item.text,
      tooltip: typeof tooltip === 'string' ? tooltip : (tooltip?.value ?? ''),
      ...(background !== undefined ? { background } : {}),
      ...(typeof command === 'object' ? { command: command.command } : {}),
      ...(this.open[0] ? { incident: this.open[0].incident.id } : {}),
    };
  }

  private draw(): void {
    const [first, ...others] = this.open;
    if (!first) {
      this.item.hide();
      this.background = undefined;
      this.stopTimer();
      return;
    }
    const { incident, root } = first;
    const now = new Date();
    const more = others.length > 0 ? ` +${others.length}` : '';
    this.item.text = `$(flame) ${incident.severity} ${shortTitle(incident.title)} · ${since(incident.declaredAt, now)} · ${incident.status}${more}`;
    this.background = backgroundId(incident.severity);
    this.item.backgroundColor = this.background ? new vscode.ThemeColor(this.background) : undefined;
    this.item.tooltip = tooltip(first, others, now);
    this.item.accessibilityInformation = { label: `${incident.severity} incident open: ${plainText.text(incident.title)}, ${incident.status}${more ? `, and ${others.length} more open` : ''}` };
    this.item.command = { command: COMMANDS.openPanel, title: OPEN_TITLE, arguments: [{ root, incident: incident.id }] };
    this.item.show();
    this.timer ??= setInterval(() => this.draw(), TICK_MS);
  }

  private stopTimer(): void {
    clearInterval(this.timer);
    this.timer = undefined;
  }
}

/** Everything a person wrote goes in as text: escaped, never Markdown or a link they did not write. */
function tooltip({ incident }: Located, others: readonly Located[], now: Date): vscode.MarkdownString {
  const md = new vscode.MarkdownString(undefined, true);
  md.appendMarkdown(`**${incident.severity} · ${incident.status} · open ${since(incident.declaredAt, now)}**\n\n`);
  md.appendText(plainText.text(incident.title));
  md.appendMarkdown(`\n\n${incident.id}, declared ${formatTime(incident.declaredAt)}\n\n`);
  const line = (name: string, value: string) => {
    md.appendMarkdown(`${name}: `);
    md.appendText(value);
    md.appendMarkdown('  \n');
  };
  line('Commander', incident.commander !== undefined ? plainText.text(incident.commander) : 'none named');
  line('ETA', incident.eta ? `${plainText.text(incident.eta.text)}${incident.eta.until ? ` (by ${formatTime(incident.eta.until)})` : ''}` : 'none given');
  const last = incident.events[incident.events.length - 1];
  if (last) line(`Last update ${since(last.at, now)} ago`, describeEvent(last, incident, plainText));
  if (others.length > 0) {
    md.appendMarkdown(`\n\nAlso open:\n\n`);
    for (const { incident: other } of others) {
      md.appendMarkdown('- ');
      md.appendText(`${other.severity} ${plainText.text(other.title)} · ${other.status} · ${since(other.declaredAt, now)}`);
      md.appendMarkdown('\n');
    }
  }
  md.appendMarkdown('\n\n_Click to open the incident summary in a Markdown editor (the timeline panel comes later)._');
  return md;
}
