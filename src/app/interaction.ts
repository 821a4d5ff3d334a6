// The person at the other end of an operation, as a port: every decision the application layer asks
// for (confirm a production change, type a protected target's name, choose among several, give a
// reason), the progress it reports and the cancel it obeys. The CLI answers from flags (a prompt
// only on a TTY), VS Code from modals and quick picks, tests from a script. An operation never
// knows which one answers.

export interface ConfirmRequest {
  /** What will happen, as a sentence without a full stop: "Deploy registry.example/app:1.4.2 to production". */
  readonly action: string;
  /** Where it happens: the kube context, its server and the namespace. */
  readonly where?: string;
  /**
   * A protected target: the person types this name, and nothing else stands for it (not a flag given
   * earlier, not a caller's `confirmed`). Undefined for an ordinary yes/no.
   */
  readonly typeToConfirm?: string;
  /** The yes button's word in an editor ("Deploy", "Pause Auto-Sync"); default Continue. */
  readonly button?: string;
  /** What the person should know before answering, beyond the action ("They are kept in a named stash…"). */
  readonly detail?: string;
}

export interface Choice<T> {
  readonly label: string;
  readonly detail?: string;
  readonly value: T;
}

/** What is being chosen: front ends that cannot ask name the option that says it instead. */
export type ChoiceSubject = 'incident' | 'target' | 'gitops' | 'drift' | 'broadcast';

export interface ChooseRequest<T> {
  readonly subject: ChoiceSubject;
  readonly title: string;
  readonly choices: readonly Choice<T>[];
}

/** What a reason is for: front ends that cannot ask name the option that carries it instead. */
export type AskSubject = 'override-reason' | 'restore-reason' | 'image' | 'text';

export interface AskRequest {
  readonly subject: AskSubject;
  readonly title: string;
  readonly prompt: string;
  readonly value?: string;
  /** Why a value is refused (shown as it is typed), or undefined when it is fine. */
  readonly validate?: (value: string) => string | undefined;
}

export interface Interaction {
  /** True when a person can be asked now (a TTY, an editor); false in CI, with --json or piped. */
  readonly interactive: boolean;
  /** Stopping at the next safe point was asked for (Ctrl-C, a notification's Cancel). */
  readonly signal?: AbortSignal;
  /** Yes or no; a protected target's typed name. False: nothing is done. */
  confirm(request: ConfirmRequest): Promise<boolean>;
  /** One of several; undefined: cancelled (or nobody to ask). */
  choose<T>(request: ChooseRequest<T>): Promise<T | undefined>;
  /** Free text; undefined: cancelled (or nobody to ask). */
  ask(request: AskRequest): Promise<string | undefined>;
  /** A step under way (stderr in a terminal, the progress notification and the log in VS Code). */
  progress(message: string): void;
  /** A command the operation runs starts (a validation step: `▶ unit: npm test`); default: progress. */
  step?(message: string): void;
  /** One line of a running command's output. */
  output?(step: string, line: string): void;
  /** Something the person should read, not a failure ("emergency mode: steps 50, 100"). */
  note(message: string): void;
  /** Something that went wrong beside the operation, which still went on (a channel that failed). */
  warn(message: string): void;
}

/**
 * The answers a caller gave before the operation started (flags, a command's options object): what
 * an interaction returns without asking. Typed names of protected targets are not among them.
 */
export interface Given {
  /** An ordinary target's yes (--yes, `confirmed: true`); never a protected target's typed name. */
  readonly confirmed?: boolean;
  /** A protected target's name, as the person typed it in this operation (the CLI's --yes on a TTY-less run). */
  readonly typedName?: string;
}

/** An interaction that asks nobody: for scripts and tests that pass every answer up front. */
export function silentInteraction(overrides: Partial<Interaction> = {}): Interaction {
  return {
    interactive: false,
    confirm: () => Promise.resolve(false),
    choose: () => Promise.resolve(undefined),
    ask: () => Promise.resolve(undefined),
    progress: () => undefined,
    note: () => undefined,
    warn: () => undefined,
    ...overrides,
  };
}
