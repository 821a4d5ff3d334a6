// Anchors the audit log's head in git (for finish and `audit anchor`) and checks one anchor ref's
// whole history against the log (for them and for verify). The format is src/core/audit/anchor.ts.

import { anchorRef, chainHead, chainPositions, checkAnchor, type AnchorOutcome, type AnchorVerdict, type AuditAnchoring, type ChainPositions } from '../core/audit/anchor';
import { verifyChain } from '../core/audit/verify';
import { GitAuditAnchors, type AnchorRef } from './git/audit-anchors';
import { readAuditLog } from './store/audit-file';

export interface AnchorCheck {
  /** `local` or `remote origin`. */
  readonly where: string;
  readonly ref: string;
  /** Anchors in the ref's history, all checked. */
  readonly anchors: number;
  /** The first anchor that fails, else the newest one's verdict. */
  readonly verdict: AnchorVerdict;
}

/** Every anchor in the ref's history, newest first: a laundered newest anchor leaves older ones to contradict it. */
export async function checkRef(git: GitAuditAnchors, positions: ChainPositions, r: AnchorRef, where: string): Promise<AnchorCheck> {
  // A ref pointed at something that is not a commit has no history to read: that is its verdict.
  const history = await git.history(r.sha).catch(() => []);
  let newest: AnchorVerdict | undefined;
  for (const commit of history) {
    const verdict = checkAnchor(positions, commit.head, `${r.ref} (${where}, commit ${commit.sha.slice(0, 12)})`);
    if (!verdict.ok) return { where, ref: r.ref, anchors: history.length, verdict };
    newest ??= verdict;
  }
  return { where, ref: r.ref, anchors: history.length, verdict: newest ?? checkAnchor(positions, undefined, `${r.ref} (${where})`) };
}

/**
 * Anchors the log's current head: refused when the chain does not verify or contradicts a local
 * anchor (a new anchor on top would vouch for a rewritten log); a failed push keeps the local anchor.
 */
export async function anchorAudit(root: string, file: string, remote: string | undefined): Promise<AnchorOutcome> {
  const text = (await readAuditLog(file)) ?? '';
  const chain = verifyChain(text);
  if (!chain.ok) return { ok: false, reason: `the chain does not verify (${chain.message}); an anchor would vouch for it.` };
  const positions = chainPositions(text);
  const head = chainHead(positions);
  if (head === undefined) return { ok: false, reason: 'the audit log has no records yet.' };
  const git = new GitAuditAnchors(root);
  const local = await git.local();
  for (const r of local) {
    const check = await checkRef(git, positions, r, 'local');
    if (!check.verdict.ok) return { ok: false, reason: check.verdict.message };
  }
  const ref = anchorRef(head.chain);
  const current = local.find((r) => r.ref === ref);
  const top = current ? (await git.history(current.sha))[0]?.head : undefined;
  if (top?.seq !== head.seq || top.line !== head.line) await git.write(ref, head, current?.sha);
  const anchored = { ok: true as const, ref, seq: head.seq, hash: head.hash };
  if (remote === undefined) return anchored;
  try {
    await git.push(remote, ref);
    return { ...anchored, pushed: remote };
  } catch (error) {
    return { ...anchored, pushError: error instanceof Error ? error.message : String(error) };
  }
}

/** The AuditAnchoring port for the hotfix engine's finish: the log at `file` in the repository at `root`. */
export function gitAuditAnchoring(root: string, file: string): AuditAnchoring {
  return { anchor: (remote) => anchorAudit(root, file, remote) };
}
