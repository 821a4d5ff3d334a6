// Everything an engine operation needs, passed in by the front end: ports and resolved settings.

import type { AuditAnchoring } from '../audit/anchor';
import type { GitSettings } from '../config/types';
import type { AuditLog, AuditRecord, Clock, StateStore } from '../ports';
import type { Forge } from './forge';
import type { GitRepo } from './ports';

/** Where long operations say what they are doing: a progress notification, a CLI line. */
export type Progress = (message: string) => void;

/**
 * A context serves one operation (a create, a finish, a status read): its git adapter may keep what
 * it read until its next write. Front ends open the repository afresh for each operation.
 */
export interface HotfixContext {
  readonly git: GitRepo;
  readonly store: StateStore;
  readonly audit: AuditLog;
  readonly clock: Clock;
  readonly settings: GitSettings;
  /** `https://tracker.example/browse/{issue}`, when configured. */
  readonly trackerUrlTemplate?: string;
  /** Keeps the audit chain's head in git, beside what finish pushes; none: finish does not anchor. */
  readonly auditAnchor?: AuditAnchoring;
  /** git.finish: pull-request: the GitHub or GitLab the finish opens its requests on (with the person's token). */
  readonly forge?: Forge;
}

export async function actorOf(ctx: HotfixContext): Promise<string> {
  return (await ctx.git.identity()) ?? 'unknown';
}

export async function audit(ctx: HotfixContext, record: Omit<AuditRecord, 'at' | 'actor'> & { actor?: string }): Promise<void> {
  await ctx.audit.append({ ...record, at: ctx.clock.now().toISOString(), actor: record.actor ?? (await actorOf(ctx)) });
}
