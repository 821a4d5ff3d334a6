// The Incidents view: open incidents, most severe first, then the few most recently resolved; each
// with severity, status and elapsed time, and under it its latest timeline events, newest first.
// The data comes from IncidentService (read once per change); a minute tick keeps times current.

import * as path from 'node:path';
import * as vscode from 'vscode';
import { describeEvent, elapsed, formatTime, plainText } from '../../core/incident/describe';
import type { IncidentEvent } from '../../core/incident/events';
import { isOpen, type Incident } from '../../core/incident/model';
import { bySeverity } from '../../core/incident/query';
import { COMMANDS } from '../../shared/ids';
import { lasted, severityIcon, since } from '../incident/present';
import type { IncidentService } from '../incident/service';

const RECENT_RESOLVED = 5;
const LATEST_EVENTS = 8;

export type IncidentTreeNode = IncidentNode | EventNode | IncidentMessageNode;

export class IncidentNode extends vscode.TreeItem {
  readonly kind = 'incident';
  constructor(
    readonly root: string,
    readonly incident: Incident,
    now: Date,
    repoLabel: string | undefined,
  ) {
    super(`${incident.severity} ${plainText.text(incident.title)}`, vscode.TreeItemCollapsibleState.Collapsed);
    this.id = `${root}#${incident.id}`;
    const open = isOpen(incident);
    this.contextValue = open ? 'hotfix.incident.open' : 'hotfix.incident.resolved';
    this.iconPath = severityIcon(incident);
    const when = open ? since(incident.declaredAt, now) : `lasted ${lasted(incident)}, resolved ${since(incident.resolvedAt ?? incident.updatedAt, now)} ago`;
    this.description = `${incident.status} · ${when}${repoLabel ? ` · ${repoLabel}` : ''}`;
    const tooltip = new vscode.MarkdownString(undefined, true);
    tooltip.appendMarkdown(`**${incident.id}** · ${incident.severity} · ${incident.status}\n\n`);
    tooltip.appendText(plainText.text(incident.title));
    tooltip.appendMarkdown(`\n\nDeclared ${formatTime(incident.declaredAt)}. Commander: `);
    tooltip.appendText(incident.commander !== undefined ? plainText.text(incident.commander) : 'none named');
    if (incident.eta) {
      tooltip.appendMarkdown('. ETA: ');
      tooltip.appendText(plainText.text(incident.eta.text));
    }
    this.tooltip = tooltip;
    this.command = { command: COMMANDS.openPanel, title: 'Open Incident Timeline', arguments: [{ root, incident: incident.id }] };
  }
}

export class EventNode extends vscode.TreeItem {
  readonly kind = 'event';
  constructor(
    readonly root: string,
    incident: Incident,
    event: IncidentEvent,
  ) {
    const text = describeEvent(event, incident, plainText);
    super(text.split('\n')[0] ?? text, vscode.TreeItemCollapsibleState.None);
    this.id = `${root}#${incident.id}#${event.id}`;
    this.contextValue = `hotfix.incident.event.${event.type}`;
    this.description = `${elapsed(incident.declaredAt, event.at)} · ${plainText.text(event.actor)}`;
    this.tooltip = `${formatTime(event.at)}  ${plainText.text(event.actor)}\n${text}`;
    this.iconPath = new vscode.ThemeIcon(event.type === 'note' ? 'comment' : event.type === 'status-changed' || event.type === 'resolved' ? 'arrow-right' : 'circle-small-filled');
  }
}

export class IncidentMessageNode extends vscode.TreeItem {
  readonly kind = 'message';
  constructor(message: string, detail?: string) {
    super(message, vscode.TreeItemCollapsibleState.None);
    this.iconPath = new vscode.ThemeIcon('warning');
    this.contextValue = 'hotfix.incident.unreadable';
    if (detail) this.tooltip = detail;
  }
}

export class IncidentTree implements vscode.TreeDataProvider<IncidentTreeNode> {
  private readonly changed = new vscode.EventEmitter<IncidentTreeNode | undefined>();
  readonly onDidChangeTreeData = this.changed.event;
  private readonly subscription: vscode.Disposable;
  private readonly tick: ReturnType<typeof setInterval>;
  private anyOpen = false;

  constructor(private readonly service: IncidentService) {
    this.subscription = service.onDidChange(() => this.changed.fire(undefined));
    // Elapsed times move on: redraw from what is loaded once a minute, only while something is open.
    this.tick = setInterval(() => {
      if (this.anyOpen) this.changed.fire(undefined);
    }, 60_000);
  }

  getTreeItem(node: IncidentTreeNode): vscode.TreeItem {
    return node;
  }

  async getChildren(node?: IncidentTreeNode): Promise<IncidentTreeNode[]> {
    if (node instanceof IncidentNode) {
      return node.incident.events.slice(-LATEST_EVENTS).reverse().map((e) => new EventNode(node.root, node.incident, e));
    }
    if (node !== undefined) return [];
    const repos = await this.service.all();
    const now = new Date();
    const several = repos.length > 1;
    const all = repos.flatMap((r) => r.incidents.map((incident) => ({ root: r.root, incident })));
    const open = all.filter((x) => isOpen(x.incident)).sort((a, b) => bySeverity(a.incident, b.incident));
    const resolved = all
      .filter((x) => !isOpen(x.incident))
      .sort((a, b) => (b.incident.resolvedAt ?? '').localeCompare(a.incident.resolvedAt ?? ''))
      .slice(0, RECENT_RESOLVED);
    this.anyOpen = open.length > 0;
    return [
      ...[...open, ...resolved].map((x) => new IncidentNode(x.root, x.incident, now, several ? path.basename(x.root) : undefined)),
      ...repos.flatMap((r) => [
        ...r.unreadable.map((u) => new IncidentMessageNode(`${u.id} cannot be read`, u.reason)),
        ...(r.error !== undefined ? [new IncidentMessageNode(`Incidents of ${path.basename(r.root)} cannot be read`, r.error)] : []),
      ]),
    ];
  }

  dispose(): void {
    clearInterval(this.tick);
    this.subscription.dispose();
    this.changed.dispose();
  }
}
