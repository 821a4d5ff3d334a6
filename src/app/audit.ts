// audit verify, reconcile, export and anchor, written once for every front end: the repository's
// hash-chained trail (.git/hotfix/audit.jsonl) checked as a whole (the chain, its anchors in git, the
// incident events it must cover), the events a stopped process stored without their record recorded
// afterwards, the records exported for a post-mortem, and the chain head anchored in git.

import { userInfo } from 'node:os';
import { anchorAudit } from '../adapters/audit-anchor';
import { locateRepository, whyNoRepository, type RepositoryLocation } from '../adapters/git/discovery';
import { SimpleGitRepo } from '../adapters/git/simple-git-repo';
import { readAuditLog } from '../adapters/store/audit-file';
import type { AnchorOutcome } from '../core/audit/anchor';
import { exportRecords, readEntries, selectSince, type ExportFormat } from '../core/audit/export';
import { verifyChain } from '../core/audit/verify';
import { remedy } from '../core/remedy';
import { badInput } from '../core/result';
import { auditFile, checkAudit, pickRemote, reconcileAudit, type AuditCheck, type Reconciled } from './audit-check';
import type { AppEnv } from './env';
import { isRefused, refusal, refusedWith, type Refused } from './narrate';

export type { AuditCheck, Reconciled };

/** The repository the operation works in; a folder outside any is refused as the person's to fix. */
async function repository(env: AppEnv): Promise<RepositoryLocation | Refused> {
  const location = await locateRepository(env.dir);
  if (location) return location;
  const why = await whyNoRepository(env.dir);
  return refusedWith(badInput(why.reason, why.hint));
}

export interface AuditVerifyRequest {
  /** The remote whose anchors are checked too; false: only the local ones. Default: git.remote, else origin, else the only remote. */
  readonly remote?: string | false;
}

/** `checked`: the check as a whole; it holds when `check.ok` (the problems say what does not). */
export type AuditVerifyOutcome = { readonly kind: 'checked'; readonly check: AuditCheck } | Refused;

export async function auditVerify(env: AppEnv, request: AuditVerifyRequest = {}): Promise<AuditVerifyOutcome> {
  const location = await repository(env);
  if (isRefused(location)) return location;
  return { kind: 'checked', check: await checkAudit(location, request.remote !== undefined ? { remote: request.remote } : {}) };
}

export type AuditReconcileOutcome = ({ readonly kind: 'reconciled'; readonly actor: string } & Reconciled) | Refused;

/** Records the incident events stored without their audit record, as recorded afterwards by the person. */
export async function auditReconcile(env: AppEnv): Promise<AuditReconcileOutcome> {
  const location = await repository(env);
  if (isRefused(location)) return location;
  const actor = (await new SimpleGitRepo(location.root, { gitDir: location.gitDir }).identity()) ?? userInfo().username;
  const done = await reconcileAudit(location, actor, new Date());
  if (!done.ok) return refusedWith({ ...done, remedies: [remedy('audit.verify')] });
  return { kind: 'reconciled', actor, ...done.value };
}

export interface AuditExportRequest {
  readonly format: ExportFormat;
  /** Only records since then. */
  readonly since?: Date;
}

export type AuditExportOutcome =
  | {
      readonly kind: 'exported';
      readonly content: string;
      /** How many records the content holds. */
      readonly count: number;
      /** The chain does not verify: the records are exported as they are (a post-mortem needs them), never quietly. */
      readonly brokenChain?: string;
    }
  | Refused;

export async function auditExport(env: AppEnv, request: AuditExportRequest): Promise<AuditExportOutcome> {
  const location = await repository(env);
  if (isRefused(location)) return location;
  const text = (await readAuditLog(auditFile(location))) ?? '';
  const chain = verifyChain(text);
  const entries = readEntries(text);
  return {
    kind: 'exported',
    content: exportRecords(entries, request.format, request.since),
    count: selectSince(entries, request.since).length,
    ...(chain.ok ? {} : { brokenChain: chain.message }),
  };
}

export interface AuditAnchorRequest {
  /** Push the anchor there (default: git.remote, else origin, else the only remote). */
  readonly remote?: string;
  /** false: write the anchor locally only. */
  readonly push: boolean;
}

export type AuditAnchorOutcome =
  | {
      readonly kind: 'anchored';
      readonly outcome: Extract<AnchorOutcome, { ok: true }>;
      /** The remote it was (or was to be) pushed to. */
      readonly remote?: string;
      /** A push was wanted and the repository has no remote: a local anchor alone can be rewritten along with the log. */
      readonly noRemote: boolean;
    }
  | Refused;

export async function auditAnchor(env: AppEnv, request: AuditAnchorRequest): Promise<AuditAnchorOutcome> {
  const location = await repository(env);
  if (isRefused(location)) return location;
  const remote = request.push ? await pickRemote(location, request.remote) : undefined;
  const outcome = await anchorAudit(location.root, auditFile(location), remote);
  if (!outcome.ok) return refusal(`The audit log was not anchored: ${outcome.reason}`, 'See what is wrong with it in a verification of the log.', undefined, [remedy('audit.verify')]);
  return { kind: 'anchored', outcome, ...(remote !== undefined ? { remote } : {}), noRemote: request.push && remote === undefined };
}
