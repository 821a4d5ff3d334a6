// The steps every operation on a deploy target shares, written once for the CLI and VS Code: open the
// target through the kube context and say where it is, the person's confirmation (a protected
// target's typed name), and the incident it belongs to (asked when several are open). The GitOps guard
// and restore are in gitops-guard.ts, the manifests change in gitops-prepare-run.ts.

import type { OpenDeploy } from '../adapters/deploy-workspace';
import type { DeployEvent } from '../core/deploy/context';
import { protectionRefusal } from '../core/deploy/guards';
import { isOpen } from '../core/incident/model';
import { bySeverity, listIncidents } from '../core/incident/query';
import { remedy, FILL_IN, type OperationName } from '../core/remedy';
import { failed, unconfirmed } from '../core/result';
import type { AppEnv } from './env';
import { CANCELLED, noteTarget, refusal, refusedWith, stopped, whereOf, type Cancelled, type Refused } from './narrate';
import { linkIncident, NO_INCIDENT, type IncidentLink } from './incident-link';

export interface TargetRequest {
  readonly target: string;
  /** What the operation will do, for the confirmation: "Deploy web:1.4.2 to production". */
  readonly action: string;
  /** The engine's verb for a refusal: "deploying web:1.4.2", "rolling back". */
  readonly verb: string;
  /** The operation and options that would confirm it, for the remedy of an unconfirmed protected target. */
  readonly again: { readonly operation: OperationName; readonly options: Readonly<Record<string, string | number | boolean>> };
  readonly onEvent?: (event: DeployEvent) => void;
  /** The button's word in an editor's modal. */
  readonly button?: string;
  /** The words of the refusal when nobody can confirm a protected target; default: the engine's, naming the context. */
  readonly refusal?: string;
}

const PROTECTED_HINT = 'Confirm it: a protected target is confirmed each time it is changed.';

/**
 * Opens the target, says where it is, and asks the person to confirm. Undefined from the person: a
 * protected target stays untouched, refused with the remedy that confirms it; in an editor, cancelled.
 */
export async function openConfirmed(env: AppEnv, request: TargetRequest): Promise<OpenDeploy | Refused | Cancelled> {
  const opened = await openTarget(env, request.target, request.onEvent);
  if (stopped(opened)) return opened;
  const confirmed = await confirmTarget(env, opened, request);
  return confirmed ?? opened;
}

/** The target through the kube context, said aloud before anything is asked or written. */
export async function openTarget(env: AppEnv, name: string, onEvent?: (event: DeployEvent) => void): Promise<OpenDeploy | Refused> {
  const found = await env.target(name);
  if (!found.ok) return refusedWith(found);
  noteTarget(env, found.value);
  return onEvent ? { ...found.value, context: { ...found.value.context, onEvent } } : found.value;
}

/** Undefined: confirmed. Otherwise nothing is touched: cancelled, or refused with the remedy that confirms it. */
export async function confirmTarget(env: AppEnv, opened: OpenDeploy, request: Omit<TargetRequest, 'target' | 'onEvent'>): Promise<Refused | Cancelled | undefined> {
  const { target } = opened;
  const yes = await env.interaction.confirm({
    action: request.action,
    where: whereOf(opened),
    ...(target.protected ? { typeToConfirm: target.name } : {}),
    ...(request.button ? { button: request.button } : {}),
  });
  if (yes) return undefined;
  if (env.interaction.interactive || !target.protected) return CANCELLED;
  const denied = request.refusal !== undefined ? unconfirmed(request.refusal, PROTECTED_HINT) : (protectionRefusal(opened.context, false, request.verb) ?? failed(`${target.name} needs your confirmation.`));
  return refusedWith({ ...denied, remedies: [remedy(request.again.operation, { ...request.again.options, confirmed: true })] });
}

/**
 * The incident an operation belongs to: the one named (or `none`), else the only open one; with
 * several open, the person chooses, or (nobody to ask) it is refused with the remedies that say which.
 */
export async function chooseIncident(env: AppEnv, named: string | undefined, action: string, again: TargetRequest['again']): Promise<IncidentLink | Refused | Cancelled> {
  const link = await linkIncident(env, named);
  if (link.note === undefined) return link;
  if (named !== undefined) return refusal(link.note, undefined, 'input');
  if (!link.ambiguous) {
    env.interaction.note(`note: not recorded in an incident: ${link.note}`);
    return {};
  }
  const choices = await openChoices(env);
  if (!env.interaction.interactive || choices.length === 0) {
    return refusal(link.ambiguous.reason, 'Say which incident it belongs to, or that it belongs to none.', 'ambiguous', [
      remedy(again.operation, { ...again.options, incident: FILL_IN }),
      remedy(again.operation, { ...again.options, incident: NO_INCIDENT }),
    ]);
  }
  const chosen = await env.interaction.choose<string>({
    subject: 'incident',
    title: `${action}: which incident is it for?`,
    choices: [...choices, { label: 'No incident', detail: 'record it in no timeline', value: NO_INCIDENT }],
  });
  if (chosen === undefined) return CANCELLED;
  return chosen === NO_INCIDENT ? {} : { incident: chosen };
}

/** The open incidents to choose from, most severe first; one that cannot be read is not offered. */
async function openChoices(env: AppEnv): Promise<{ label: string; detail: string; value: string }[]> {
  const opened = await env.incidents();
  if (!opened.ok) return [];
  const listing = await listIncidents(opened.value.context);
  return listing.incidents
    .filter(isOpen)
    .sort(bySeverity)
    .map((i) => ({ label: `${i.severity} ${i.title}`, detail: `${i.id} · ${i.status}`, value: i.id }));
}

export { CANCELLED, refusal, refusedWith, stopped, type Cancelled, type Refused };
