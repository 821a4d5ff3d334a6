// Incident events and times in words, shared by the CLI, the post-mortem and (later) the status bar
// and the panel. A Formatter decides how a person's text is made safe for where it is shown.

import type { IncidentEvent } from './events';
import type { Incident } from './model';

export interface Formatter {
  /** Text a person wrote (a title, a note, a name). */
  readonly text: (value: string) => string;
  /** Text that keeps its lines (a note, a root cause). */
  readonly block: (value: string) => string;
  /** A link a person gave as a link. */
  readonly link: (url: string) => string;
}

// eslint-disable-next-line no-control-regex
const UNPRINTABLE = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/g;

/** For terminals: control characters (escape sequences) never reach the screen. */
export const plainText: Formatter = {
  text: (value) => value.replace(/\s+/g, ' ').replace(UNPRINTABLE, '\uFFFD').trim(),
  block: (value) => value.replace(UNPRINTABLE, '\uFFFD').trim(),
  link: (url) => url.replace(UNPRINTABLE, '\uFFFD'),
};

/** `45s`, `12m`, `2h 05m`, `1d 3h 07m`. */
export function formatDuration(ms: number): string {
  const total = Math.max(0, Math.floor(ms / 1000));
  if (total < 60) return `${total}s`;
  const minutes = Math.floor(total / 60) % 60;
  const hours = Math.floor(total / 3600) % 24;
  const days = Math.floor(total / 86_400);
  if (days > 0) return `${days}d ${hours}h ${String(minutes).padStart(2, '0')}m`;
  if (hours > 0) return `${hours}h ${String(minutes).padStart(2, '0')}m`;
  return `${minutes}m`;
}

/** `2026-11-27 14:02 UTC`. */
export function formatTime(iso: string): string {
  return `${iso.slice(0, 10)} ${iso.slice(11, 16)} UTC`;
}

export function elapsed(from: string, to: string): string {
  return `+${formatDuration(Date.parse(to) - Date.parse(from))}`;
}

/** One event as a sentence. `incident` gives event numbers to corrections. */
export function describeEvent(event: IncidentEvent, incident: Pick<Incident, 'events'>, f: Formatter): string {
  switch (event.type) {
    case 'declared': {
      const commander = event.commander !== undefined ? `; commander ${f.text(event.commander)}` : '';
      return `Declared ${event.severity} "${f.text(event.title)}", impact ${event.impact.level}${event.impact.summary ? ` (${f.text(event.impact.summary)})` : ''}${commander}`;
    }
    case 'status-changed':
      return `Status: ${event.to}${event.reason !== undefined ? ` (${f.block(event.reason)})` : ''}`;
    case 'reopened':
      return `Reopened as ${event.to}: ${f.block(event.reason)}`;
    case 'title-changed':
      return `Title changed to "${f.text(event.title)}"`;
    case 'severity-changed':
      return `Severity changed to ${event.to}`;
    case 'impact-set':
      return `Impact: ${event.impact.level}${event.impact.summary ? ` (${f.text(event.impact.summary)})` : ''}`;
    case 'eta-set':
      return `ETA: ${f.text(event.text)}${event.until !== undefined ? ` (by ${formatTime(event.until)})` : ''}`;
    case 'commander-set':
      return `Commander: ${f.text(event.name)}`;
    case 'responder-added':
      return `Responder joined: ${f.text(event.name)}`;
    case 'components-affected':
      return `Affected components: ${event.components.map((c) => f.text(c)).join(', ')}`;
    case 'link-added':
      return `${event.kind === 'war-room' ? 'War room' : event.kind === 'status-page' ? 'Status page' : 'Link'}: ${f.link(event.url)}${event.label !== undefined ? ` (${f.text(event.label)})` : ''}`;
    case 'note':
      return `Note: ${f.block(event.text)}`;
    case 'hotfix-created':
      return `Hotfix branch ${f.text(event.branch)} created${event.issueKey !== undefined ? ` for ${f.text(event.issueKey)}` : ''}`;
    case 'hotfix-finished': {
      const commits = event.commits.length === 0 ? '' : `; ${event.commits.length} commit${event.commits.length === 1 ? '' : 's'}: ${event.commits.map((c) => `${c.sha.slice(0, 8)} ${f.text(c.subject)}`).join('; ')}`;
      return `Hotfix ${f.text(event.branch)} finished${event.tag !== undefined ? `, tagged ${f.text(event.tag)}` : ''}, merged into ${event.into.map((b) => f.text(b)).join(', ')}${event.pushed ? ', pushed' : ', not pushed'}${commits}`;
    }
    case 'deploy-started':
      return `Deploy of ${f.text(event.image)} to ${f.text(event.target)} started${event.strategy !== undefined ? ` (${f.text(event.strategy)})` : ''}`;
    case 'deploy-succeeded':
      return `Deployed ${f.text(event.image)} to ${f.text(event.target)}`;
    case 'deploy-failed':
      return `Deploy${event.image !== undefined ? ` of ${f.text(event.image)}` : ''} to ${f.text(event.target)} failed: ${f.text(event.reason)}`;
    case 'rollback':
      return `Rolled back ${f.text(event.target)}${event.to !== undefined ? ` to ${f.text(event.to)}` : ''}${event.reason !== undefined ? `: ${f.text(event.reason)}` : ''}`;
    case 'pull-request':
      return `Request #${event.number} from ${f.text(event.branch)} into ${f.text(event.into)} ${event.state}: ${f.link(event.url)}`;
    case 'rollout-action':
      return `Argo Rollout ${f.text(event.rollout)} (${f.text(event.target)}): ${f.text(event.action)}: ${f.text(event.text)}`;
    case 'gate-verdict':
      return `Gate ${event.pass ? 'passed' : 'failed'} on ${f.text(event.target)}${event.step !== undefined ? ` at ${f.text(event.step)}` : ''}: ${f.text(event.reason)}`;
    case 'validated':
      return `Validation ${f.text(event.suite)}${event.target !== undefined ? ` for ${f.text(event.target)}` : ''} ${event.pass ? 'passed' : 'failed'}: ${f.text(event.summary)}`;
    case 'validation-overridden':
      return `Failed validation ${f.text(event.suite)} overridden for ${f.text(event.target)}: ${f.block(event.reason)}`;
    case 'drift-found':
      return `Drift on ${f.text(event.target)}: it runs ${event.runningSha.slice(0, 8)} (${f.text(event.image)}, by ${f.text(event.via)}), not ${f.text(event.expected)} (${event.expectedSha.slice(0, 8)})`;
    case 'gitops-paused':
      return `Auto-sync paused for ${f.text(event.object)} (${f.text(event.target)}); was ${f.text(event.previous)}. Restore: ${f.text(event.restore)}`;
    case 'gitops-restored':
      return `Auto-sync restored for ${f.text(event.object)} (${f.text(event.target)})${event.reason !== undefined ? `: ${f.text(event.reason)}` : ''}`;
    case 'manifests-prepared':
      return `Manifests change for ${f.text(event.target)} prepared on ${f.text(event.branch)} (${event.commit.slice(0, 8)}) in ${f.text(event.repo)}: ${f.text(event.summary)}${event.pullRequest !== undefined ? `; pull request${event.pullRequestNumber !== undefined ? ` #${event.pullRequestNumber}` : ''}: ${f.text(event.pullRequest)}` : ''}`;
    case 'resolved':
      return `Resolved. Root cause: ${f.block(event.rootCause)}${event.actionItems.length > 0 ? ` (${event.actionItems.length} action item${event.actionItems.length === 1 ? '' : 's'})` : ''}`;
    case 'postmortem-drafted':
      return `Post-mortem drafted${event.file !== undefined ? ` in ${f.text(event.file)}` : ''}`;
    case 'correction': {
      const index = incident.events.findIndex((e) => e.id === event.corrects);
      return `Correction to #${index >= 0 ? index + 1 : '?'}: ${f.block(event.text)}`;
    }
  }
}
