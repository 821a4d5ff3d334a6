// "Hotfix: Verify Audit Log": checks the repository's audit trail as `audit verify` does (the chain,
// its anchors in git, the incident events it must cover) and says it holds, with the head hash to
// note, or names the first problem (all of them in the log), opening a broken line on request.

import * as vscode from 'vscode';
import type { Repositories } from './repositories';
import { session } from './session';
import { pickRepository, showFailure, showRefusal } from './ui';

export type VerifyResult =
  | { readonly ok: true; readonly records: number; readonly head?: string }
  | { readonly ok: false; readonly reason: string; readonly line?: number; readonly problems?: number };

export async function verifyAuditCommand(repositories: Repositories, log: vscode.LogOutputChannel, arg?: unknown): Promise<VerifyResult> {
  const root = await pickRepository(repositories, arg);
  if (root === undefined) return { ok: false, reason: 'cancelled' };
  const { env } = await session({ log }, root, arg);
  const { auditVerify } = await import('../app/audit.js');
  const verified = await auditVerify(env);
  if (verified.kind === 'refused') {
    void showRefusal(log, verified.failed, [], root);
    return { ok: false, reason: verified.failed.reason };
  }
  const { check } = verified;
  for (const note of check.notes) log.info(`Audit log ${check.file}: ${note}`);
  const { chain } = check;
  const [first] = check.problems;
  if (first === undefined && chain.ok) {
    if (!check.exists && check.anchors.length === 0) {
      void vscode.window.showInformationMessage(`No audit log yet in ${root}: it starts with the first hotfix, deploy or incident action.`);
      return { ok: true, records: 0 };
    }
    const anchored = check.anchors.find((a) => a.verdict.ok && a.where !== 'local') ?? check.anchors.find((a) => a.verdict.ok);
    const anchor = anchored?.verdict.ok ? `, anchored at record ${anchored.verdict.seq} (${anchored.where})` : ', not anchored in git yet';
    const message = `Audit log intact: ${chain.records} chained records${chain.head ? `, head ${chain.head.slice(0, 16)}…` : ''}${anchor}.`;
    log.info(`${message} ${check.file}`);
    void vscode.window.showInformationMessage(message);
    return { ok: true, records: chain.records, ...(chain.head ? { head: chain.head } : {}) };
  }
  const problems = check.problems;
  for (const p of problems) log.warn(`Audit log ${check.file}: ${p.message}`);
  const head = first ?? { kind: 'edited', message: 'the chain does not verify.' };
  const line = head.line;
  const more = problems.length > 1 ? ` (${problems.length - 1} more problem${problems.length === 2 ? '' : 's'} in the log)` : '';
  void showFailure(log, `Audit log broken${line !== undefined ? ` at line ${line}` : ''} (${head.kind}): ${head.message}${more}`, `${chain.ok ? chain.records : chain.verified} records verified.`, [
    ...(line !== undefined
      ? [
          {
            title: 'Open at Line',
            run: async () => {
              const editor = await vscode.window.showTextDocument(vscode.Uri.file(check.file), { preview: true });
              const position = new vscode.Position(line - 1, 0);
              editor.selection = new vscode.Selection(position, position);
              editor.revealRange(new vscode.Range(position, position));
            },
          },
        ]
      : []),
  ]);
  return { ok: false, reason: head.message, ...(line !== undefined ? { line } : {}), problems: problems.length };
}
