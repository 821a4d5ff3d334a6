// Guards for the options object of the commands that reach the cluster or run a repository's
// commands: it comes from a tree item, the panel, another extension or executeCommand anywhere, so
// each field the flows read is checked like a webview message (src/shared/protocol.ts) and a
// malformed one refuses the command before anything runs. Pure (no `vscode`): unit-tested.
//
// `confirmed: true` passes the check but stands only for the modal of an ordinary target: the
// typed confirmation of a protected target is never skipped by an argument (deploy/flow.ts confirm).

import type { RolloutAction } from '../app/rollout';
import type { CommandKey } from '../shared/ids';

type Guard = (value: unknown) => boolean;

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const isBoolean: Guard = (v) => typeof v === 'boolean';
const text = (max: number): Guard => (v) => typeof v === 'string' && v.trim().length > 0 && v.length <= max;
const positive: Guard = (v) => typeof v === 'number' && Number.isFinite(v) && v > 0;
const oneOf = (...values: readonly string[]): Guard => (v) => typeof v === 'string' && values.includes(v);

/** The Argo Rollout verbs (src/app/rollout.ts ROLLOUT_ACTIONS; a unit test keeps the two equal). */
export const ROLLOUT_ACTION_NAMES: readonly RolloutAction[] = ['promote', 'promote-full', 'abort', 'retry', 'pause', 'resume', 'undo', 'restart'];

/** Target names as the config schema allows them (they name the deploy lock Lease). */
export const isTargetName: Guard = (v) => typeof v === 'string' && v.length <= 63 && /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/.test(v);
/** A name, or a tree node carrying one (a target node's Target, a live row's name). */
const isTargetRef: Guard = (v) => isTargetName(v) || (isObject(v) && isTargetName(v.name));
/** One image reference: no spaces, no option-like leading dash. */
const isImage: Guard = (v) => typeof v === 'string' && /^[^\s-]\S{0,511}$/.test(v);
const isPath = text(4096);
const isName = text(253);

interface Field {
  readonly check: Guard;
  /** What it must be, for the refusal. */
  readonly must: string;
}

const FIELDS = {
  root: { check: isPath, must: 'the path of a repository open in this window' },
  target: { check: isTargetRef, must: 'a target name (lower case letters, digits and -) or a Deployments view item' },
  image: { check: isImage, must: 'one image reference without spaces' },
  confirmed: { check: isBoolean, must: 'true or false' },
  continue: { check: isBoolean, must: 'true or false' },
  toRevision: { check: (v) => Number.isSafeInteger(v) && (v as number) > 0, must: 'a revision number' },
  immediate: { check: isBoolean, must: 'true or false' },
  overrideValidation: { check: text(2000), must: 'the reason, as text' },
  gitops: { check: oneOf('pause', 'ignore'), must: 'pause or ignore' },
  incident: { check: (v) => typeof v === 'string' && /^[A-Za-z0-9._:-]{1,64}$/.test(v), must: 'an incident id' },
  force: { check: isBoolean, must: 'true or false' },
  wait: { check: isBoolean, must: 'true or false' },
  push: { check: isBoolean, must: 'true or false' },
  suite: { check: isName, must: 'a suite name' },
  groups: { check: (v) => Array.isArray(v) && v.length <= 100 && v.every(isName), must: 'a list of health endpoint group names' },
  durationMs: { check: positive, must: 'a positive number of milliseconds' },
  intervalMs: { check: positive, must: 'a positive number of milliseconds' },
  autoRollback: { check: isBoolean, must: 'true or false' },
  onDrift: { check: oneOf('running', 'tag'), must: 'running or tag' },
  issue: { check: text(200), must: 'an issue key' },
  title: { check: text(500), must: 'text' },
  from: { check: text(500), must: 'a git ref' },
  severity: { check: text(16), must: 'a severity' },
  stash: { check: isBoolean, must: 'true or false' },
  branch: { check: (v) => isName(v) || (isObject(v) && isName(v.name)), must: 'a hotfix branch name or a Hotfixes view item' },
  confirm: { check: isBoolean, must: 'true or false' },
  context: { check: isName, must: 'a kube context name' },
  namespace: { check: isName, must: 'a namespace' },
  overwrite: { check: isBoolean, must: 'true or false' },
  skipCluster: { check: isBoolean, must: 'true or false' },
  broadcast: { check: isBoolean, must: 'true or false' },
  impact: { check: text(500), must: 'text' },
  commander: { check: text(200), must: 'a name' },
  note: { check: text(5000), must: 'text' },
  eta: { check: text(200), must: 'text' },
  reopen: { check: isBoolean, must: 'true or false' },
  rootCause: { check: text(5000), must: 'text' },
  actionItems: { check: text(5000), must: 'text' },
  keepGitopsPaused: { check: text(2000), must: 'the reason, as text' },
  restoreGitopsAnyway: { check: isBoolean, must: 'true or false' },
  show: { check: isBoolean, must: 'true or false' },
  url: { check: (v) => typeof v === 'string' && /^https?:\/\/\S{1,2040}$/i.test(v), must: 'an http or https address' },
  host: { check: (v) => typeof v === 'string' && /^https?:\/\/\S{1,500}$/i.test(v), must: 'an http or https address, such as https://gitlab.example.com' },
  token: { check: (v) => typeof v === 'string' && /^\S{1,1000}$/.test(v.trim()), must: 'a token without spaces' },
  remove: { check: isBoolean, must: 'true or false' },
  action: { check: oneOf(...ROLLOUT_ACTION_NAMES), must: ROLLOUT_ACTION_NAMES.join(', ').replace(/, (?=[^,]*$)/, ' or ') },
} as const satisfies Record<string, Field>;

type FieldName = keyof typeof FIELDS;

const TARGET: readonly FieldName[] = ['root', 'target'];

/** The fields each guarded command reads from its options object; fields not named are ignored. */
const COMMAND_FIELDS: Readonly<Partial<Record<CommandKey, readonly FieldName[]>>> = {
  deploy: [...TARGET, 'image', 'confirmed', 'continue', 'overrideValidation', 'gitops', 'incident'],
  rollback: [...TARGET, 'confirmed', 'toRevision', 'immediate', 'gitops', 'incident'],
  rollbackToRevision: [...TARGET, 'confirmed', 'toRevision', 'immediate', 'gitops', 'incident'],
  promoteCanary: [...TARGET, 'confirmed'],
  abortCanary: [...TARGET, 'confirmed'],
  rolloutAction: [...TARGET, 'action', 'toRevision', 'confirmed', 'incident'],
  pauseAutoSync: [...TARGET, 'confirmed', 'incident'],
  restoreAutoSync: [...TARGET, 'confirmed', 'force', 'wait'],
  prepareManifestsChange: [...TARGET, 'push'],
  validate: [...TARGET, 'suite', 'image'],
  verify: [...TARGET, 'groups', 'durationMs', 'intervalMs', 'autoRollback', 'confirmed'],
  createHotfix: ['root', 'issue', 'title', 'from', 'severity', 'stash'],
  createHotfixFromProduction: [...TARGET, 'onDrift', 'issue', 'title', 'from', 'severity', 'stash'],
  finishHotfix: ['root', 'branch', 'push'],
  continueFinish: ['root'],
  openRequest: ['url'],
  setGitlabToken: ['host', 'token', 'remove'],
  abortFinish: ['root', 'confirm', 'confirmed'],
  setUpRepository: ['root', 'context', 'namespace', 'overwrite', 'skipCluster'],
  switchKubeContext: ['context'],
  // Incident commands also take tree nodes (an `id` of the tree, a `status`, the incident object): those fields are read by prompts.argsOf.
  declareIncident: ['root', 'broadcast', 'severity', 'title', 'impact', 'commander', 'note'],
  updateIncident: ['root', 'broadcast', 'eta', 'note', 'reopen'],
  resolveIncident: ['root', 'broadcast', 'rootCause', 'actionItems', 'note', 'keepGitopsPaused', 'restoreGitopsAnyway'],
  draftPostmortem: ['root', 'show'],
};

/**
 * Why the options object of `key` is refused (the first malformed field), or undefined when every
 * field the command reads is absent or well formed. Anything but an object is no options at all.
 */
export function commandArgsProblem(key: CommandKey, arg: unknown): string | undefined {
  const fields = COMMAND_FIELDS[key];
  if (fields === undefined || !isObject(arg)) return undefined;
  for (const name of fields) {
    const value = arg[name];
    const field: Field = FIELDS[name];
    if (value !== undefined && !field.check(value)) return `${name} must be ${field.must}`;
  }
  return undefined;
}

/**
 * How a command got its confirmation before it asked: `caller` when its options said `confirmed: true`
 * (from anywhere: a test, automation, another extension), `asked` when this extension's own flow
 * already asked the person (and had the name typed, for a protected target) in this call.
 */
export type Confirmation = 'caller' | 'asked' | undefined;

/** The confirmation an options object carries: only ever `caller`, since options come from outside. */
export function callerConfirmation(arg: unknown): Confirmation {
  return isObject(arg) && arg.confirmed === true ? 'caller' : undefined;
}

/**
 * Whether the person must still be asked: always for a protected target unless this flow asked
 * already (a caller's `confirmed: true` never stands for typing its name); for another target,
 * unless anyone confirmed.
 */
export function mustAsk(given: Confirmation, isProtected: boolean): boolean {
  return given === undefined || (given === 'caller' && isProtected);
}
