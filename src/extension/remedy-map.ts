// A remedy (src/core/remedy.ts) in the editor's words: the command that does it, with its title as
// the palette shows it and the options object it takes, or a view to show, or (for an operation the
// extension has no command for) a line for the log. Pure, without `vscode`, so it is unit-tested;
// remedy.ts runs the result.

import { FILL_IN, type OperationName, type Remedy, type RemedyValue } from '../core/remedy';
import { COMMANDS, VIEWS, type CommandKey, type ViewId } from '../shared/ids';

export type EditorRemedy =
  /** Run `command` (COMMANDS[key]) with `args`; `title` is the button. */
  | { readonly kind: 'command'; readonly key: CommandKey; readonly command: string; readonly title: string; readonly args: Readonly<Record<string, unknown>> }
  /** Show a view (`<view>.focus`). */
  | { readonly kind: 'view'; readonly view: ViewId; readonly title: string }
  /** Nothing in the editor does it: a line for the log. */
  | { readonly kind: 'text'; readonly text: string };

/** The palette titles of the commands a remedy can run (package.json contributes.commands; a unit test keeps them equal). */
export const COMMAND_TITLES: Readonly<Partial<Record<CommandKey, string>>> = {
  createHotfix: 'Create Hotfix Branch…',
  createHotfixFromProduction: 'Create Hotfix from Production…',
  finishHotfix: 'Finish Hotfix',
  continueFinish: 'Continue Finish',
  setGitlabToken: 'Set GitLab Token…',
  abortFinish: 'Abort Finish',
  deploy: 'Deploy…',
  rollback: 'Rollback…',
  rollbackToRevision: 'Roll Back to This Revision…',
  promoteCanary: 'Promote Canary',
  abortCanary: 'Abort Canary',
  rolloutAction: 'Argo Rollout Action…',
  showCanary: 'Show Canary Progress',
  pauseAutoSync: 'Pause GitOps Auto-Sync…',
  restoreAutoSync: 'Restore GitOps Auto-Sync…',
  prepareManifestsChange: 'Prepare Manifests Change…',
  validate: 'Validate…',
  verify: 'Verify…',
  verifyAudit: 'Verify Audit Log',
  declareIncident: 'Declare Incident…',
  updateIncident: 'Update Incident…',
  resolveIncident: 'Resolve Incident…',
  draftPostmortem: 'Draft Post-Mortem',
  openIncident: 'Open Incident Summary',
  setUpRepository: 'Set Up Repository…',
};

type Options = Readonly<Record<string, RemedyValue>>;
type Args = Record<string, unknown>;

/** Engine option name → the command's option name, where they differ. */
const RENAMES: Readonly<Partial<Record<OperationName, Readonly<Record<string, string>>>>> = {
  'incident.update': { incident: 'id' },
  'incident.resolve': { incident: 'id' },
  'incident.show': { incident: 'id' },
  'incident.postmortem': { incident: 'id' },
  validate: { environment: 'target', testSuite: 'suite' },
  init: { force: 'overwrite' },
};

/** Options that say what a command acts on, kept when the rest is for the person to fill in. */
const SUBJECT = new Set(['target', 'incident', 'reopen', 'from', 'branch']);

/**
 * The options object a command takes. `confirmed` is left out: a button is a click, not a typed
 * confirmation, and the command asks. A remedy with a blank for the person (`…`) keeps only what the
 * command acts on, so the command asks for everything (a command given any input asks nothing).
 * The engine's GitOps choice is the commands' `gitops: 'pause' | 'ignore'`.
 */
function argsFor(operation: OperationName, options: Options | undefined, root: string | undefined): Args {
  const args: Args = root !== undefined ? { root } : {};
  const renames = RENAMES[operation] ?? {};
  const blanks = Object.values(options ?? {}).includes(FILL_IN);
  for (const [name, value] of Object.entries(options ?? {})) {
    if (value === FILL_IN || name === 'confirmed' || (blanks && !SUBJECT.has(name))) continue;
    if (name === 'pauseGitops' || name === 'ignoreGitops') {
      if (value === true) args['gitops'] = name === 'pauseGitops' ? 'pause' : 'ignore';
      continue;
    }
    // A list is one comma-separated value in a remedy (verify's groups): the command takes an array.
    args[renames[name] ?? name] = name === 'groups' && typeof value === 'string' ? value.split(',').map((g) => g.trim()) : value;
  }
  return args;
}

function command(key: CommandKey, args: Args): EditorRemedy {
  return { kind: 'command', key, command: COMMANDS[key], title: COMMAND_TITLES[key] ?? key, args };
}

/** The command of an operation the extension has one for; undefined when it has none. */
function commandKey(remedy: Remedy): CommandKey | undefined {
  const o = remedy.options ?? {};
  switch (remedy.operation) {
    case 'create':
      return o['from'] === 'running' ? 'createHotfixFromProduction' : 'createHotfix';
    case 'finish':
      return o['abort'] === true ? 'abortFinish' : o['continue'] === true ? 'continueFinish' : 'finishHotfix';
    case 'deploy':
      return 'deploy';
    case 'rollback':
      return 'rollback';
    case 'canary.promote':
      return 'promoteCanary';
    case 'canary.abort':
      return 'abortCanary';
    case 'rollout':
      // Its status (followed, as the CLI's --watch does) is the panel's Canary tab, which refreshes while it moves.
      return o['action'] === 'status' ? 'showCanary' : 'rolloutAction';
    case 'validate':
      return 'validate';
    case 'verify':
      return 'verify';
    case 'init':
      return 'setUpRepository';
    case 'incident.create':
      return 'declareIncident';
    case 'incident.update':
      return 'updateIncident';
    case 'incident.resolve':
      return 'resolveIncident';
    case 'incident.show':
      return 'openIncident';
    case 'incident.postmortem':
      return 'draftPostmortem';
    case 'gitops.pause':
      return 'pauseAutoSync';
    case 'gitops.restore':
      return 'restoreAutoSync';
    case 'gitops.prepare':
      return 'prepareManifestsChange';
    case 'audit.verify':
      return 'verifyAudit';
    default:
      return undefined;
  }
}

/** The words of an operation the extension has no command for, as its log line says them. */
const ELSEWHERE: Readonly<Partial<Record<OperationName, string>>> = {
  retire: 'scale the previous colour down (the retire verb of the hotfix-deployer CLI)',
  'gitops.status': 'check who owns the target and whether auto-sync is paused (gitops status in the hotfix-deployer CLI)',
  'audit.reconcile': 'reconcile the audit log (audit reconcile in the hotfix-deployer CLI)',
};

function described(options: Options | undefined): string {
  const given = Object.entries(options ?? {}).filter(([, v]) => v !== FILL_IN);
  return given.length > 0 ? ` (${given.map(([k, v]) => `${k}: ${String(v)}`).join(', ')})` : '';
}

/**
 * A Rollout verb's options as Argo Rollout Action… takes them: the engine's promote with `full` (the
 * CLI's --full) is the command's own verb, promote-full. Its status is the panel, about the target alone.
 */
function rolloutOptions(options: Options | undefined): Options | undefined {
  if (options === undefined) return undefined;
  const { full, ...rest } = options;
  if (rest['action'] === 'status') return rest['target'] !== undefined ? { target: rest['target'] } : {};
  return full === true && rest['action'] === 'promote' ? { ...rest, action: 'promote-full' } : rest;
}

/** How the editor offers `remedy` in the repository at `root`. */
export function editorRemedy(remedy: Remedy, root?: string): EditorRemedy {
  if (remedy.operation === 'incident.list') return { kind: 'view', view: VIEWS.incidents, title: 'Show Incidents' };
  if (remedy.operation === 'targets' || remedy.operation === 'running') return { kind: 'view', view: VIEWS.deployments, title: 'Show Deployments' };
  const key = commandKey(remedy);
  if (key !== undefined) {
    // Finish's continue and abort are commands of their own.
    const { continue: _c, abort: _a, ...rest } = remedy.options ?? {};
    return command(key, argsFor(remedy.operation, remedy.operation === 'finish' ? rest : remedy.operation === 'rollout' ? rolloutOptions(remedy.options) : remedy.options, root));
  }
  const when = remedy.after !== undefined ? ` after ${remedy.after}` : '';
  const why = remedy.why !== undefined ? `: ${remedy.why}` : '';
  return { kind: 'text', text: `To do${when}: ${ELSEWHERE[remedy.operation] ?? remedy.operation}${described(remedy.options)}${why}.` };
}
