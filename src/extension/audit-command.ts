// "Hotfix: Verify Audit Log": checks the hash chain of the repository's audit log and says whether
// it is intact (with the head hash to note) or names the first broken line, opening it on request.

import * as path from 'node:path';
import * as vscode from 'vscode';
import type { Repositories } from './repositories';
import { pickRepository, showFailure } from './ui';

export type VerifyResult = { readonly ok: true; readonly records: number; readonly head?: string } | { readonly ok: false; readonly reason: string; readonly line?: number };

export async function verifyAuditCommand(repositories: Repositories, log: vscode.LogOutputChannel, arg?: unknown): Promise<VerifyResult> {
  const root = await pickRepository(repositories, arg);
  if (root === undefined) return { ok: false, reason: 'cancelled' };
  const location = repositories.all.find((r) => r.root === root);
  if (!location) return { ok: false, reason: 'no repository' };
  const { stateDir } = await import('../adapters/workspace.js');
  const { readAuditLog } = await import('../adapters/store/audit-file.js');
  const { verifyChain } = await import('../core/audit/verify.js');
  const file = path.join(stateDir(location), 'audit.jsonl');
  const text = await readAuditLog(file);
  if (text === undefined) {
    void vscode.window.showInformationMessage(`No audit log yet in ${root}: it starts with the first hotfix, deploy or incident action.`);
    return { ok: true, records: 0 };
  }
  const report = verifyChain(text);
  if (report.ok) {
    const message = `Audit log intact: ${report.records} chained records${report.legacy ? ` (+${report.legacy} unchained from before the chain)` : ''}${report.head ? `, head ${report.head.slice(0, 16)}…` : ''}.`;
    log.info(`${message} ${file}`);
    void vscode.window.showInformationMessage(message);
    return { ok: true, records: report.records, ...(report.head ? { head: report.head } : {}) };
  }
  void showFailure(log, `Audit log broken at line ${report.line} (${report.kind}): ${report.message}`, `${report.verified} records verified before it.`, [
    {
      title: 'Open at Line',
      run: async () => {
        const editor = await vscode.window.showTextDocument(vscode.Uri.file(file), { preview: true });
        const position = new vscode.Position(report.line - 1, 0);
        editor.selection = new vscode.Selection(position, position);
        editor.revealRange(new vscode.Range(position, position));
      },
    },
  ]);
  return { ok: false, reason: report.message, line: report.line };
}
