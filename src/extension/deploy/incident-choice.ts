// Which incident a deploy or rollback belongs to, as the person means it: the one named in the
// options, else the only open one; with several open (or one that cannot be read) they choose from a
// quick pick, or "No incident". Emergency mode, the SEV0/1 validation override and the timeline
// depend on it, so nothing is guessed.

import * as vscode from 'vscode';
import type { DeployCommandDeps } from './flow';

/** The incident chosen (undefined: none), or `cancelled` when the person dismissed the choice. */
export type IncidentChoice = { readonly incident?: string } | 'cancelled';

export async function chooseIncident(deps: DeployCommandDeps, root: string, named: string | undefined, verb: string): Promise<IncidentChoice> {
  const { linkedIncident, NO_INCIDENT } = await import('../../app/incident-link.js');
  if (named !== undefined && named.toLowerCase() === NO_INCIDENT) return {};
  const link = await linkedIncident(root, named);
  if (link.incident !== undefined) return { incident: link.incident };
  if (!link.ambiguous) {
    if (link.note !== undefined) deps.log.info(`not recorded in an incident: ${link.note}`);
    return {};
  }
  const [{ openIncidents }, { listIncidents, bySeverity }, { isOpen }] = await Promise.all([
    import('../../adapters/incident-workspace.js'),
    import('../../core/incident/query.js'),
    import('../../core/incident/model.js'),
  ]);
  const opened = await openIncidents(root);
  if (!opened.ok) return {};
  const listing = await listIncidents(opened.value.context);
  // One that cannot be read is named in the placeholder, not offered: nothing could be recorded in it.
  type Item = vscode.QuickPickItem & { readonly id?: string };
  const items: Item[] = [
    ...listing.incidents.filter(isOpen).sort(bySeverity).map((i) => ({ label: `${i.severity} ${i.title}`, description: `${i.id} · ${i.status}`, id: i.id })),
    { label: 'No incident', description: 'record it in no timeline' },
  ];
  const pick = await vscode.window.showQuickPick(items, {
    title: `Hotfix: ${verb}: which incident is it for?`,
    placeHolder: link.ambiguous.reason,
    ignoreFocusOut: true,
  });
  if (!pick) return 'cancelled';
  return pick.id !== undefined ? { incident: pick.id } : {};
}
