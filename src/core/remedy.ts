// What a person can do about a failure, as data: run an operation with some options, maybe after a
// time. The engine and the application layer say *what*, never *how it is typed*: each front end
// renders a remedy in its own words (the CLI as a verb with flags, VS Code as a button that runs a
// command). No string in core or app names a CLI verb or flag; generated pipelines excepted.

/** Every operation a remedy can point at: the same set for the CLI's verbs and VS Code's commands. */
export type OperationName =
  | 'create'
  | 'finish'
  | 'deploy'
  | 'rollback'
  | 'retire'
  | 'canary.promote'
  | 'canary.abort'
  /** An Argo Rollout verb: options target, action (promote, promote-full, abort, retry, pause, resume, undo, restart), toRevision. */
  | 'rollout'
  | 'targets'
  | 'validate'
  | 'verify'
  | 'running'
  | 'init'
  | 'incident.create'
  | 'incident.update'
  | 'incident.resolve'
  | 'incident.list'
  | 'incident.show'
  | 'incident.postmortem'
  | 'gitops.status'
  | 'gitops.pause'
  | 'gitops.restore'
  | 'gitops.prepare'
  | 'audit.verify'
  | 'audit.reconcile';

/** An option value as a front end passes it (a flag's value, a command argument's field). */
export type RemedyValue = string | number | boolean;

export interface Remedy {
  readonly operation: OperationName;
  /**
   * The operation's options, by their engine names (camelCase: `target`, `continue`, `incident`,
   * `overrideValidation`, `pauseGitops`, `reopen`...). A value `'…'` is one the person fills in.
   */
  readonly options?: Readonly<Record<string, RemedyValue>>;
  /** Not before this moment (ISO 8601), e.g. a retire that is not due yet. */
  readonly after?: string;
  /** Why this helps, in a few words, when the failure's reason does not make it plain. */
  readonly why?: string;
}

/** A value for the person to fill in (a reason, a root cause). */
export const FILL_IN = '…';

export function remedy(operation: OperationName, options?: Remedy['options'], extra: Pick<Remedy, 'after' | 'why'> = {}): Remedy {
  return { operation, ...(options !== undefined ? { options } : {}), ...extra };
}
