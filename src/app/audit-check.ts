// Checks a repository's audit trail as a whole, for `audit verify` and Hotfix: Verify Audit Log alike:
// the hash chain, every anchor in git (local, and the remote's when it answers), and the incident
// store's events against the records.

import * as path from 'node:path';
import { anchorRef, chainPositions, type ChainPositions } from '../core/audit/anchor';
import { auditCoverage, reconcileRecords, type Coverage, type StoredIncidentEvents, type UnrecordedEvent } from '../core/audit/coverage';
import { failed, succeeded, type Result } from '../core/result';
import { neutralizeControls } from '../core/audit/export';
import { verifyChain, type ChainReport } from '../core/audit/verify';
import { readConfigFile } from '../adapters/config-file';
import type { RepositoryLocation } from '../adapters/git/discovery';
import { checkRef, type AnchorCheck } from '../adapters/audit-anchor';
import { GitAuditAnchors, type AnchorRef } from '../adapters/git/audit-anchors';
import { incidentsDir } from '../adapters/incident-store';
import { auditLogAt, readAuditLog } from '../adapters/store/audit-file';
import { FileIncidentStore } from '../adapters/store/incident-file-store';
import { stateDir } from '../adapters/workspace';

export interface AuditCheckOptions {
  /** The remote whose anchors are checked too; false: none. Default: git.remote, else origin, else the only remote. */
  readonly remote?: string | false;
}

export type { AnchorCheck };

export interface AuditProblem {
  readonly kind: string;
  readonly message: string;
  readonly line?: number;
}

export interface AuditCheck {
  readonly ok: boolean;
  readonly file: string;
  /** Whether there is a log file at all. */
  readonly exists: boolean;
  readonly chain: ChainReport;
  /** Absent when the incidents are not this clone's files (a cluster store) or cannot be read. */
  readonly coverage?: Coverage;
  readonly anchors: readonly AnchorCheck[];
  readonly remote?: string;
  /** Every problem found, the chain's first; verify fails when there is any. */
  readonly problems: readonly AuditProblem[];
  /** Facts that do not fail the check: nothing anchored yet, the remote did not answer, ... */
  readonly notes: readonly string[];
}

export function auditFile(location: RepositoryLocation): string {
  return path.join(stateDir(location), 'audit.jsonl');
}

export async function checkAudit(location: RepositoryLocation, options: AuditCheckOptions = {}): Promise<AuditCheck> {
  const file = auditFile(location);
  const text = await readAuditLog(file);
  const chain = verifyChain(text ?? '');
  const positions = chainPositions(text ?? '');
  const notes: string[] = [];
  const problems: AuditProblem[] = chain.ok ? [] : [{ kind: chain.kind, line: chain.line, message: chain.message }];

  const remote = options.remote === false ? undefined : await pickRemote(location, options.remote);
  const anchors = await checkAnchors(new GitAuditAnchors(location.root), positions, remote, notes);
  for (const a of anchors) {
    if (!a.verdict.ok) problems.push({ kind: a.verdict.kind, message: a.verdict.message });
  }
  const coverage = await incidentCoverage(location, text ?? '', notes);
  for (const m of coverage?.missing ?? []) {
    // The event's fields come from a file (and a git user.name): shown, never acted on by a terminal.
    const what = neutralizeControls(`event ${m.event} (${m.type || 'unknown type'}, ${m.at || 'no time'}, ${m.actor || 'no actor'})`);
    problems.push({
      kind: 'unrecorded',
      message: `incident ${m.incident}: ${what} is stored but no audit record names it: the process stopped between storing it and recording it, or the incident file was edited.`,
    });
  }
  for (const u of coverage?.unstored ?? []) {
    problems.push({ kind: 'unstored', line: u.line, message: neutralizeControls(`line ${u.line} records event ${u.event} of ${u.incident}, which the incident no longer holds: the incident file was edited.`) });
  }

  if (positions.records > 0 && anchors.length === 0) {
    notes.push('not anchored yet: finish anchors the log in git when it pushes (or run audit anchor); until then a rewrite of the whole log with recomputed hashes cannot be told apart.');
  }
  return { ok: problems.length === 0, file, exists: text !== undefined, chain, ...(coverage ? { coverage } : {}), anchors, ...(remote ? { remote } : {}), problems, notes };
}

async function incidentCoverage(location: RepositoryLocation, log: string, notes: string[]): Promise<Coverage | undefined> {
  const config = await readConfigFile(location.root);
  if (config.ok && config.value.incidents?.store === 'cluster') {
    notes.push('incidents live on the cluster, shared by the team, and this log holds only this clone\'s records: incident events were not cross-checked.');
    return undefined;
  }
  const store = new FileIncidentStore(incidentsDir(location));
  const incidents: StoredIncidentEvents[] = [];
  for (const id of await store.list()) {
    const stored = await store.read(id);
    if (stored?.unreadable !== undefined) notes.push(`${stored.unreadable}: its events were not cross-checked.`);
    else if (stored) incidents.push({ incident: id, events: stored.events });
  }
  return auditCoverage(log, incidents);
}

/** The remote asked for, else the one finish pushes to: git.remote, else origin, else the only one. */
export async function pickRemote(location: RepositoryLocation, asked: string | undefined): Promise<string | undefined> {
  if (asked !== undefined) return asked;
  const config = await readConfigFile(location.root);
  if (config.ok && config.value.git?.remote !== undefined) return config.value.git.remote;
  const remotes = await new GitAuditAnchors(location.root).remotes();
  return remotes.includes('origin') ? 'origin' : remotes.length === 1 ? remotes[0] : undefined;
}

/** Every anchor of every local ref, and of the remote's ref for this log and for each local ref. */
async function checkAnchors(git: GitAuditAnchors, positions: ChainPositions, remote: string | undefined, notes: string[]): Promise<AnchorCheck[]> {
  const checks: AnchorCheck[] = [];
  const local = await git.local();
  for (const r of local) checks.push(await checkRef(git, positions, r, 'local'));
  if (remote === undefined) return checks;
  let remoteRefs: AnchorRef[];
  try {
    remoteRefs = await git.remote(remote);
  } catch (error) {
    notes.push(`${remote} could not be reached (${error instanceof Error ? error.message : String(error)}): only the local anchors were checked.`);
    return checks;
  }
  const wanted = new Set(local.map((r) => r.ref));
  if (positions.chain !== undefined) wanted.add(anchorRef(positions.chain));
  for (const r of remoteRefs.filter((candidate) => wanted.has(candidate.ref))) {
    try {
      if (!(await git.has(r.sha))) await git.fetch(remote, r.ref);
      checks.push(await checkRef(git, positions, r, `remote ${remote}`));
    } catch (error) {
      notes.push(`the anchor ${r.ref} on ${remote} could not be fetched (${error instanceof Error ? error.message : String(error)}).`);
    }
  }
  const mine = positions.chain !== undefined ? anchorRef(positions.chain) : undefined;
  if (mine !== undefined && local.some((r) => r.ref === mine) && !remoteRefs.some((r) => r.ref === mine)) {
    notes.push(`the anchor ${mine} was never pushed to ${remote}: a local anchor alone can be rewritten along with the log (audit anchor pushes it).`);
  }
  return checks;
}

export interface Reconciled {
  /** Events now recorded, by incident. */
  readonly recorded: readonly { readonly incident: string; readonly events: readonly string[] }[];
  /** Stored events that cannot be named (no id): verify keeps reporting them. */
  readonly left: readonly UnrecordedEvent[];
}

/**
 * Records the incident events a stopped process stored without their audit record (each named by id,
 * marked as recorded afterwards), so verify holds again while the chain keeps the gap visible.
 * Refused while the chain itself is broken: records appended past a broken chain would hide nothing
 * but prove nothing either.
 */
export async function reconcileAudit(location: RepositoryLocation, actor: string, now: Date): Promise<Result<Reconciled>> {
  const file = auditFile(location);
  const text = (await readAuditLog(file)) ?? '';
  const chain = verifyChain(text);
  if (!chain.ok) return failed(`The audit chain is broken at line ${chain.line}: ${chain.message}`, 'Nothing was recorded; see audit verify for what to do first.');
  const notes: string[] = [];
  const coverage = await incidentCoverage(location, text, notes);
  if (!coverage) return succeeded({ recorded: [], left: [] });
  const records = reconcileRecords(coverage.missing, now.toISOString(), actor);
  const log = auditLogAt(file);
  for (const record of records) await log.append(record);
  return succeeded({
    recorded: records.map((r) => ({ incident: r.subject, events: String(r.details?.eventIds ?? '').split(',') })),
    left: coverage.missing.filter((m) => m.event === '(no id)'),
  });
}
