// `history` as a rendering of the application layer (src/app/history.ts): a target's revisions in
// the columns `helm history` prints for a Helm release, else those of `kubectl rollout history`.

import { historyOperation, rollbackTo, type TargetHistory } from '../app/history';
import { cliEnv } from './compose';
import type { Common } from './deploy-verbs';
import type { ExitCode } from './exit-codes';
import { reporter } from './output';
import type { Io } from './program';
import { stoppedWith } from './refused';
import { remedyLine } from './remedy';

export async function historyVerb(io: Io, options: Common & { target: string }): Promise<ExitCode> {
  const out = reporter(io, options.json === true);
  const result = await historyOperation(cliEnv(io, out, options), { target: options.target });
  if (result.kind !== 'history') return stoppedWith(out, result);
  const { history } = result;
  return out.result({ history }, historyLines(history));
}

/** A table with a header, columns padded to their widest cell, the current revision marked. */
export function historyLines(history: TargetHistory): string[] {
  const lines = [`${history.subject} (${history.target}):`];
  if (history.revisions.length === 0) return [...lines, '  no revisions'];
  const helm = history.source === 'helm';
  const header = helm ? ['  REVISION', 'UPDATED', 'STATUS', 'CHART', 'APP VERSION', 'DESCRIPTION'] : ['  REVISION', 'CREATED', 'IMAGES', history.source === 'Rollout' ? 'REPLICASET' : 'CHANGE-CAUSE'];
  const rows = history.revisions.map((r) => {
    const mark = `${r.current ? '*' : ' '} ${r.revision}`;
    return helm
      ? [mark, r.updated ?? '', r.status ?? '', r.chart ?? '', r.appVersion ?? '', r.description ?? '']
      : [mark, r.updated ?? '', r.images.join(', '), r.description ?? ''];
  });
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((row) => (row[i] ?? '').length)));
  const format = (cells: readonly string[]) => cells.map((c, i) => (i === cells.length - 1 ? c : c.padEnd(widths[i] ?? 0))).join('  ').trimEnd();
  lines.push(format(header), ...rows.map(format));
  const back = history.revisions.find((r) => !r.current && r.rollbackable !== false);
  if (back) lines.push(`  ${remedyLine(rollbackTo(history.target, back.revision))}`);
  return lines;
}
