// A remedy (src/core/remedy.ts) in the CLI's words: the verb and the flags this program really has
// (`gitops.restore` with `{ target: 'web' }` is `hotfix-deployer gitops restore --target=web`). The
// engine names options as the use cases do (camelCase); where a verb spells one differently
// (`incident` is `--id` on the incident verbs, `toRevision` is rollback's `--to-revision`) the table says so.

import { FILL_IN, type OperationName, type Remedy, type RemedyValue } from '../core/remedy';

interface Verb {
  /** The words after `hotfix-deployer`. */
  readonly words: string;
  /** Flags the operation always carries (`canary.promote` is `deploy --promote`). */
  readonly fixed?: readonly string[];
  /** Engine option name → this verb's flag name, where it is not the option in kebab case. */
  readonly flags?: Readonly<Record<string, string>>;
  /** Boolean options whose `false` is a flag of its own (`--no-push`). */
  readonly negatable?: readonly string[];
  /** The option whose value is a word after `words` (`rollout promote`), not a flag. */
  readonly positional?: string;
}

/** The options of an incident verb name the incident with --id. */
const INCIDENT_ID = { incident: 'id' } as const;

export const CLI_VERBS: Readonly<Record<OperationName, Verb>> = {
  create: { words: 'create' },
  finish: { words: 'finish', negatable: ['push'] },
  deploy: { words: 'deploy' },
  rollback: { words: 'rollback', flags: { toRevision: 'to-revision' } },
  retire: { words: 'retire' },
  'canary.promote': { words: 'deploy', fixed: ['--promote'] },
  // rollback aborts an unfinished canary: it is the CLI's way to abort one.
  'canary.abort': { words: 'rollback' },
  rollout: { words: 'rollout', positional: 'action', flags: { toRevision: 'to-revision' } },
  targets: { words: 'targets' },
  validate: { words: 'validate', flags: { target: 'environment', suite: 'test-suite' } },
  verify: { words: 'verify', flags: { groups: 'endpoints', durationMs: 'duration', intervalMs: 'interval' } },
  running: { words: 'running' },
  init: { words: 'init', flags: { overwrite: 'force' } },
  'incident.create': { words: 'incident create' },
  'incident.update': { words: 'incident update', flags: INCIDENT_ID },
  'incident.resolve': { words: 'incident resolve', flags: INCIDENT_ID },
  'incident.list': { words: 'incident list' },
  'incident.show': { words: 'incident show', flags: INCIDENT_ID },
  'incident.postmortem': { words: 'incident postmortem', flags: INCIDENT_ID },
  'gitops.status': { words: 'gitops status' },
  'gitops.pause': { words: 'gitops pause' },
  'gitops.restore': { words: 'gitops restore', flags: { timeoutMs: 'timeout', intervalMs: 'interval' } },
  'gitops.prepare': { words: 'gitops prepare', negatable: ['push'] },
  'audit.verify': { words: 'audit verify' },
  'audit.reconcile': { words: 'audit reconcile' },
};

const kebab = (name: string): string => name.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`);

/** A value as a shell word: bare when it is safe, else in double quotes; the person's blank is `="…"`. */
export function shellValue(value: string): string {
  if (value === FILL_IN) return `"${FILL_IN}"`;
  if (/^[A-Za-z0-9._:/@%+,=-]+$/.test(value)) return value;
  return `"${value.replace(/(["\\$`])/g, '\\$1')}"`;
}

/** Milliseconds as the CLI's durations (`5m`, `90s`, `1500ms`). */
function duration(ms: number): string {
  if (ms % 60_000 === 0) return `${ms / 60_000}m`;
  if (ms % 1000 === 0) return `${ms / 1000}s`;
  return `${ms}ms`;
}

function flag(verb: Verb, name: string, value: RemedyValue): string | undefined {
  // The engine's choice about a GitOps owner, and `confirmed`, have flags of their own.
  if (name === 'gitops' && (value === 'pause' || value === 'ignore')) return `--${value}-gitops`;
  const spelled = name === 'confirmed' ? 'yes' : (verb.flags?.[name] ?? kebab(name));
  if (value === true) return `--${spelled}`;
  if (value === false) return verb.negatable?.includes(name) ? `--no-${spelled}` : undefined;
  if (typeof value === 'number') return `--${spelled}=${name.endsWith('Ms') ? duration(value) : String(value)}`;
  return `--${spelled}=${shellValue(value)}`;
}

/** The command line of a remedy: `hotfix-deployer incident list --all`. */
export function remedyCommand(remedy: Remedy): string {
  const verb = CLI_VERBS[remedy.operation];
  const options = Object.entries(remedy.options ?? {});
  const word = options.find(([name]) => name === verb.positional)?.[1];
  const flags = options.filter(([name]) => name !== verb.positional).flatMap(([name, value]) => flag(verb, name, value) ?? []);
  return ['hotfix-deployer', verb.words, ...(word !== undefined ? [String(word)] : []), ...(verb.fixed ?? []), ...flags].join(' ');
}

/** The line a person reads under a refusal: `run: hotfix-deployer ...`, when it is due, and why. */
export function remedyLine(remedy: Remedy): string {
  const when = remedy.after !== undefined ? ` after ${remedy.after}` : '';
  return `run${when}: ${remedyCommand(remedy)}${remedy.why !== undefined ? `  (${remedy.why})` : ''}`;
}
