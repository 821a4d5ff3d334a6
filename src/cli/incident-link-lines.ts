// How the deploy, rollback and verify verbs tell what happened to the incident they belong to: the
// timeline recorded (or why not), each notification channel's outcome, and a warning when one failed.

import { plainText } from '../core/incident/describe';
import type { IncidentLink } from '../app/incident-link';

export function incidentLinkLines(link: IncidentLink): string[] {
  if (link.note) return [`warning: the incident timeline was not updated: ${link.note}`];
  if (!link.incident) return [];
  const notified = link.notified ?? [];
  return [
    `recorded in ${link.incident}'s timeline`,
    ...notified.map((p) => `  notified ${p.channel}: ${p.ok ? '' : 'FAILED: '}${plainText.text(p.detail)}`),
    ...(link.notifyNote ? [`warning: ${plainText.text(link.notifyNote)}; the ${link.incident} timeline is updated regardless.`] : []),
  ];
}
