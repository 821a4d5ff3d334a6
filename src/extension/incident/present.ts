// How an incident reads in the editor's small places (status bar, tree rows, quick picks): a short
// title safe from codicon syntax, the elapsed time in minutes, the theme colour of its severity.

import * as vscode from 'vscode';
import { formatDuration, plainText } from '../../core/incident/describe';
import type { Incident } from '../../core/incident/model';
import type { Severity } from '../../core/severity';

const SHORT_TITLE = 32;

/** One line of a person's text, with `$(name)` kept literal where VS Code would draw an icon. */
export function label(value: string): string {
  return plainText.text(value).replace(/\$\(/g, '\\$(');
}

/** The title cut to fit a status bar, on a word boundary when there is one. */
export function shortTitle(title: string): string {
  const clean = plainText.text(title);
  if (clean.length <= SHORT_TITLE) return label(clean);
  const cut = clean.slice(0, SHORT_TITLE - 1);
  const space = cut.lastIndexOf(' ');
  return `${label((space > SHORT_TITLE / 2 ? cut.slice(0, space) : cut).trimEnd())}…`;
}

/** Minutes, not seconds: the status bar ticks once a minute. `<1m`, `23m`, `2h 05m`. */
export function since(iso: string, now: Date): string {
  const ms = now.getTime() - Date.parse(iso);
  return ms < 60_000 ? '<1m' : formatDuration(ms);
}

/** How long it lasted, for a resolved incident. */
export function lasted(incident: Incident): string {
  return formatDuration(Date.parse(incident.resolvedAt ?? incident.updatedAt) - Date.parse(incident.declaredAt));
}

/** The theme colour id of the status bar background for a severity; none for SEV3. */
export function backgroundId(severity: Severity): string | undefined {
  if (severity === 'SEV0' || severity === 'SEV1') return 'statusBarItem.errorBackground';
  if (severity === 'SEV2') return 'statusBarItem.warningBackground';
  return undefined;
}

/** The icon of an incident in trees and picks, tinted by severity. */
export function severityIcon(incident: Incident): vscode.ThemeIcon {
  if (incident.status === 'resolved') return new vscode.ThemeIcon('pass', new vscode.ThemeColor('testing.iconPassed'));
  const colour = incident.severity === 'SEV0' || incident.severity === 'SEV1' ? 'errorForeground' : incident.severity === 'SEV2' ? 'editorWarning.foreground' : undefined;
  return new vscode.ThemeIcon('flame', colour ? new vscode.ThemeColor(colour) : undefined);
}
