// `audit verify`, `audit export`, `audit reconcile` and `audit anchor`: check the trail of .git/hotfix/audit.jsonl (its
// chain, its anchors in git, the incident events it must cover), write its records out as JSON, CSV
// or Markdown, or anchor its head in git. Loaded when an audit verb runs (the options: audit-commands.ts).

import * as path from 'node:path';
import { auditAnchor, auditExport, auditReconcile, auditVerify, type AuditCheck } from '../app/audit';
import { describeAnchor } from '../core/audit/anchor';
import { EXPORT_FORMATS, neutralizeControls, parseExportFormat, parseSince } from '../core/audit/export';
import { cliEnv } from './compose';
import { EXIT, type ExitCode } from './exit-codes';
import { writeOutputFile } from './output-file';
import { reporter } from './output';
import type { Io } from './program';
import { stoppedWith } from './refused';

type AuditProblem = AuditCheck['problems'][number];

export interface AuditCommon {
  readonly repo?: string;
  readonly json?: boolean;
}

export interface VerifyOptions extends AuditCommon {
  readonly remote?: string;
  readonly offline?: boolean;
}

export interface ExportOptions extends AuditCommon {
  readonly since?: string;
  readonly format: string;
  readonly output?: string;
  readonly force?: boolean;
}

export interface AnchorOptions extends AuditCommon {
  readonly remote?: string;
  /** commander's --no-push: false when given. */
  readonly push: boolean;
}

/** At most this many problems are listed in words; --json lists them all. */
const LISTED = 50;

export async function reconcileVerb(io: Io, options: AuditCommon): Promise<ExitCode> {
  const out = reporter(io, options.json === true);
  const done = await auditReconcile(cliEnv(io, out, options));
  if (done.kind === 'refused') return stoppedWith(out, done);
  const { recorded, left, actor } = done;
  const count = recorded.reduce((n, r) => n + r.events.length, 0);
  const human = count === 0 ? ['Every stored incident event has its audit record: nothing to reconcile.'] : [`Recorded ${count} incident event${count === 1 ? '' : 's'} stored without an audit record, as recorded afterwards by ${neutralizeControls(actor)}:`];
  for (const r of recorded) human.push(`  ${r.incident}: ${r.events.join(', ')}`);
  if (left.length > 0) return out.failure(`${left.length} stored event${left.length === 1 ? ' has' : 's have'} no id and cannot be named by a record: ${left.map((l) => l.incident).join(', ')}.`, 'The incident file was edited by hand; keep it as evidence.', EXIT.failed, { recorded });
  return out.result({ recorded }, human);
}

export async function verifyVerb(io: Io, options: VerifyOptions): Promise<ExitCode> {
  const out = reporter(io, options.json === true);
  const done = await auditVerify(cliEnv(io, out, options), { ...(options.offline === true ? { remote: false } : options.remote !== undefined ? { remote: options.remote } : {}) });
  if (done.kind === 'refused') return stoppedWith(out, done);
  const { check } = done;
  const { file, chain, coverage, anchors, notes, problems } = check;
  const details = { file, ...(coverage ? { coverage } : {}), anchors, notes };
  const [first] = problems;
  if (first !== undefined) {
    const chainFields = chain.ok ? {} : { line: chain.line, kind: chain.kind, verified: chain.verified };
    const extra = { ...details, ...chainFields, problems };
    if (out.json) return out.failure(first.message, hintFor(first, check), EXIT.failed, extra);
    const more = problems.slice(1, LISTED).map((p) => `  ${p.message}`);
    if (problems.length > LISTED) more.push(`  … and ${problems.length - LISTED} more (--json lists them all).`);
    io.err(`hotfix-deployer: ${first.message}\n${more.map((line) => `${line}\n`).join('')}`);
    io.err(`  ${hintFor(first, check)}\n${notes.map((n) => `  note: ${n}\n`).join('')}`);
    return EXIT.failed;
  }
  // No problem means the chain is intact; the narrowing below only tells the compiler so.
  if (!chain.ok) return out.failure(chain.message, undefined, EXIT.failed);
  if (!check.exists && anchors.length === 0) {
    return out.result({ ...chain, ...details }, [`0 records: no audit log yet (${file})`, ...notes.map((n) => `  note: ${n}`)]);
  }
  const count = `${chain.records} record${chain.records === 1 ? '' : 's'}, chain intact`;
  const human = [chain.head ? `${count}, head ${chain.head}` : count, `  file ${file}`];
  if (chain.first !== undefined) human.push(`  from ${chain.first} to ${chain.last ?? chain.first}`);
  if (coverage) human.push(`  incidents: ${coverage.events} event${coverage.events === 1 ? '' : 's'} stored, each named by an audit record`);
  for (const a of anchors) {
    if (a.verdict.ok) human.push(`  anchored at record ${a.verdict.seq} (${a.ref}, ${a.where}; ${a.anchors} anchor${a.anchors === 1 ? '' : 's'} checked)${a.verdict.since > 0 ? `: ${a.verdict.since} record${a.verdict.since === 1 ? '' : 's'} since, not anchored yet` : ''}`);
  }
  human.push(...notes.map((n) => `  note: ${n}`));
  return out.result({ ...chain, ...details }, human);
}

function hintFor(problem: AuditProblem, check: AuditCheck): string {
  const verified = check.chain.ok ? check.chain.records : check.chain.verified;
  const checked = `${verified} chained record${verified === 1 ? '' : 's'} verified before the first chain problem.`;
  switch (problem.kind) {
    case 'torn':
      return `An append was interrupted (a crash, a full disk): the fragment is not a record, and later records chain around it. Keep the file as evidence, or delete line ${problem.line ?? '?'} by hand to make the chain verify again. ${checked}`;
    case 'unchained':
      return `The chain does not cover that line. If it is a log from before the chain, move that file aside and keep it as evidence. ${checked}`;
    case 'unrecorded':
    case 'unstored':
      return problem.kind === 'unrecorded'
        ? 'An incident command was stopped (a crash, a kill) between storing its events and recording them, or the incident file was edited by hand. `incident show` lists each event with its time and actor; once checked, audit reconcile records them as recorded afterwards.'
        : 'An incident or audit file was edited by hand: an event a record names is gone from its incident. Keep both files as evidence.';
    case 'rewritten':
    case 'truncated':
    case 'other-chain':
    case 'unreadable':
      return 'The log no longer holds what was anchored in git: it was rewritten, cut short or replaced after the anchor was written. Restore it from a backup, or compare it with the anchored head; keep this copy as evidence.';
    default:
      return `The log was changed after it was written. Compare it with a backup to see what changed. ${checked}`;
  }
}

export async function exportVerb(io: Io, options: ExportOptions): Promise<ExitCode> {
  const out = reporter(io, false);
  // The flags are the CLI's: their refusals name them.
  const format = parseExportFormat(options.format);
  if (!format.ok) return out.failure(`--format=${options.format} is not a format this export writes.`, `Use one of ${EXPORT_FORMATS.join(', ')}.`, EXIT.usage);
  let since: Date | undefined;
  if (options.since !== undefined) {
    const parsed = parseSince(options.since, new Date());
    if (!parsed.ok) return out.failure(`--since=${options.since} is neither an ISO date/time nor a duration.`, 'Use e.g. --since=24h, --since=7d or --since=2026-03-01T00:00:00Z.', EXIT.usage);
    since = parsed.value;
  }
  const done = await auditExport(cliEnv(io, out, options), { format: format.value, ...(since ? { since } : {}) });
  if (done.kind === 'refused') return stoppedWith(out, done);
  if (done.brokenChain !== undefined) {
    // Export anyway (a post-mortem needs the records), but never quietly.
    io.err(`hotfix-deployer: warning: the audit chain is broken: ${done.brokenChain} Exporting the records as they are; run \`hotfix-deployer audit verify\`.\n`);
  }
  if (options.output === undefined) {
    io.out(done.content);
    return EXIT.ok;
  }
  const target = path.resolve(options.output);
  const written = await writeOutputFile(target, done.content, { force: options.force === true, mode: 0o600 });
  if (!written.ok) return out.failure(written.reason, undefined, written.usage ? EXIT.usage : EXIT.failed);
  io.out(`exported ${done.count} records (${format.value}) to ${target}\n`);
  return EXIT.ok;
}

export async function anchorVerb(io: Io, options: AnchorOptions): Promise<ExitCode> {
  const out = reporter(io, options.json === true);
  const done = await auditAnchor(cliEnv(io, out, options), { push: options.push, ...(options.remote !== undefined ? { remote: options.remote } : {}) });
  if (done.kind === 'refused') return stoppedWith(out, done);
  const { outcome, remote } = done;
  if (outcome.pushError !== undefined) {
    return out.failure(describeAnchor(outcome, remote), `The local anchor stands; push it later: git push ${remote ?? 'origin'} ${outcome.ref}:${outcome.ref}`, EXIT.failed, { ...outcome });
  }
  const human = [describeAnchor(outcome, remote)];
  if (done.noRemote) human.push('  note: this repository has no remote to push the anchor to; a local anchor alone can be rewritten along with the log.');
  return out.result({ ...outcome }, human);
}
