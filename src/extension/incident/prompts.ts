// The inputs of the incident flows: severity (with what each level means), title, impact,
// commander; status, ETA, note; root cause, action items. A field given in the command's options is
// never asked, and when any input is given the optional ones are not asked. Which incident, and
// whether to notify the channels, the operations ask (src/app/incident.ts).

import * as vscode from 'vscode';
import { DEFAULT_SEVERITY_DESCRIPTIONS, IMPACT_LEVELS, STATUSES, type Incident, type SeverityDescriptions } from '../../core/incident/model';
import type { DeclareInput } from '../../core/incident/plan';
import { SEVERITIES } from '../../core/severity';

export interface DeclareArgs {
  readonly root?: string;
  /** Send the change to the notification channels (the CLI's --broadcast); asked when not given and channels are on. */
  readonly broadcast?: boolean;
  readonly severity?: string;
  readonly title?: string;
  /** `high`, or `high: card payments fail`. */
  readonly impact?: string;
  readonly commander?: string;
  readonly note?: string;
}

export interface UpdateArgs {
  readonly root?: string;
  /** Send the change to the notification channels (the CLI's --broadcast); asked when not given and channels are on. */
  readonly broadcast?: boolean;
  readonly id?: string;
  readonly status?: string;
  readonly eta?: string;
  readonly note?: string;
  /** Reopen a resolved incident (the most recently resolved unless `id` names one); the note says why. */
  readonly reopen?: boolean;
}

export interface ResolveArgs {
  readonly root?: string;
  /** Send the change to the notification channels (the CLI's --broadcast); asked when not given and channels are on. */
  readonly broadcast?: boolean;
  readonly id?: string;
  readonly rootCause?: string;
  readonly actionItems?: string;
  readonly note?: string;
}

/** Options from a test or another extension, or a tree node (which carries `root` and `incident`). */
export function argsOf<T>(arg: unknown): T & { readonly id?: string } {
  if (typeof arg !== 'object' || arg === null) return {} as T & { readonly id?: string };
  const node = arg as { readonly id?: unknown; readonly incident?: { readonly id?: unknown } };
  const id = typeof node.incident?.id === 'string' ? node.incident.id : typeof node.id === 'string' ? node.id : undefined;
  return { ...(arg as T), ...(id !== undefined ? { id } : {}) };
}

/** Any of `keys` given: the call is scripted, so optional questions are skipped. */
export function scripted(args: object, keys: readonly string[]): boolean {
  return keys.some((k) => (args as Record<string, unknown>)[k] !== undefined);
}

const notEmpty = (what: string) => (value: string) => (value.trim() === '' ? `Give ${what}, or press Escape to cancel.` : undefined);

export async function askDeclare(args: DeclareArgs, severities: SeverityDescriptions = DEFAULT_SEVERITY_DESCRIPTIONS): Promise<DeclareInput | undefined> {
  const quiet = scripted(args, ['severity', 'title', 'impact', 'commander']);
  const title = 'Hotfix: Declare Incident';
  const severity =
    args.severity ??
    (
      await vscode.window.showQuickPick(
        SEVERITIES.map((level) => {
          const [word, ...rest] = severities[level].split(':');
          return { label: level, description: rest.length > 0 ? word : '', detail: rest.length > 0 ? rest.join(':').trim() : severities[level], level };
        }),
        { title: `${title} (1/4): severity`, placeHolder: 'How urgent is it for us?', ignoreFocusOut: true },
      )
    )?.level;
  if (severity === undefined) return undefined;
  const name =
    args.title ??
    (await vscode.window.showInputBox({ title: `${title} (2/4): title`, prompt: 'A short title people will recognise: what is broken.', placeHolder: 'Payment Gateway Down', ignoreFocusOut: true, validateInput: notEmpty('a title') }));
  if (name === undefined) return undefined;
  let impact = args.impact;
  if (impact === undefined) {
    const level = await vscode.window.showQuickPick(
      [...IMPACT_LEVELS].reverse().map((l) => ({ label: l, description: l === 'critical' ? 'everyone is affected' : l === 'none' ? 'no user sees it (yet)' : '' })),
      { title: `${title} (3/4): impact on users`, placeHolder: 'How bad is it for users?', ignoreFocusOut: true },
    );
    if (!level) return undefined;
    const summary = await vscode.window.showInputBox({ title: `${title} (3/4): what users see`, prompt: 'In words, optional: "card payments fail in the EU".', ignoreFocusOut: true });
    if (summary === undefined) return undefined;
    impact = summary.trim() ? `${level.label}: ${summary.trim()}` : level.label;
  }
  let commander = args.commander;
  if (commander === undefined && !quiet) {
    commander = await vscode.window.showInputBox({ title: `${title} (4/4): incident commander`, prompt: 'Who leads the response? Optional.', ignoreFocusOut: true });
    if (commander === undefined) return undefined;
  }
  return { severity, title: name, impact, ...(commander?.trim() ? { commander: commander.trim() } : {}), ...(args.note !== undefined ? { note: args.note } : {}) };
}

export async function askUpdate(args: UpdateArgs, incident: Incident | undefined): Promise<UpdateArgs | undefined> {
  if (scripted(args, ['status', 'eta', 'note'])) return args;
  const title = `Hotfix: Update ${incident?.id ?? 'Incident'}`;
  const current = incident?.status;
  const hints: Record<string, string> = {
    investigating: 'looking for the cause',
    identified: 'the cause is known, a fix is on its way',
    monitoring: 'a fix is out; watching that it holds',
  };
  const status = await vscode.window.showQuickPick(
    STATUSES.filter((s) => s !== 'resolved').map((s) => ({ label: s, description: `${hints[s] ?? ''}${s === current ? ' (current)' : ''}`, picked: s === current })),
    { title: `${title} (1/3): status`, placeHolder: current ? `Now ${current}; resolving is Hotfix: Resolve Incident…` : 'The new status', ignoreFocusOut: true },
  );
  if (!status) return undefined;
  const eta = await vscode.window.showInputBox({
    title: `${title} (2/3): ETA`,
    prompt: 'When do you expect it fixed? "15 minutes", "14:30", or anything in words. Empty keeps it.',
    value: incident?.eta?.text ?? '',
    ignoreFocusOut: true,
  });
  if (eta === undefined) return undefined;
  const note = await vscode.window.showInputBox({ title: `${title} (3/3): note for the timeline`, prompt: 'What happened, what was found, what is being done. Optional.', ignoreFocusOut: true });
  if (note === undefined) return undefined;
  return {
    ...args,
    ...(status.label !== current ? { status: status.label } : {}),
    ...(eta.trim() && eta.trim() !== incident?.eta?.text ? { eta: eta.trim() } : {}),
    ...(note.trim() ? { note: note.trim() } : {}),
  };
}

export async function askResolve(args: ResolveArgs, incident: Incident | undefined): Promise<ResolveArgs | undefined> {
  if (scripted(args, ['rootCause', 'actionItems', 'note'])) return args;
  const title = `Hotfix: Resolve ${incident?.id ?? 'Incident'}`;
  const rootCause = await vscode.window.showInputBox({ title: `${title} (1/2): root cause`, prompt: 'What caused it, in a sentence.', value: incident?.rootCause ?? '', ignoreFocusOut: true, validateInput: notEmpty('the root cause') });
  if (rootCause === undefined) return undefined;
  const actionItems = await vscode.window.showInputBox({ title: `${title} (2/2): action items`, prompt: 'What to do so it does not happen again, separated by ";", each with an optional @owner: "validate orders @ada; alert on 5xx". Optional.', ignoreFocusOut: true });
  if (actionItems === undefined) return undefined;
  return { ...args, rootCause: rootCause.trim(), ...(actionItems.trim() ? { actionItems: actionItems.trim() } : {}) };
}
