// `audit verify` and `audit export`: check the hash chain of .git/hotfix/audit.jsonl, or write its
// records out as JSON, CSV or Markdown. Small and free of heavy dependencies, so nothing is lazy here.

import type { Command } from 'commander';
import { writeFile } from 'node:fs/promises';
import * as path from 'node:path';
import { exportRecords, parseExportFormat, parseSince, readEntries, selectSince } from '../core/audit/export';
import { verifyChain, type ChainProblem } from '../core/audit/verify';
import { locateRepository } from '../adapters/git/discovery';
import { readAuditLog } from '../adapters/store/audit-file';
import { stateDir } from '../adapters/workspace';
import { EXIT, type ExitCode } from './exit-codes';
import { reporter, type Reporter } from './output';
import type { Io } from './program';

interface Common {
  readonly repo?: string;
  readonly json?: boolean;
}

interface ExportOptions extends Common {
  readonly since?: string;
  readonly format: string;
  readonly output?: string;
}

export function registerAuditCommands(program: Command, io: Io, setExit: (code: ExitCode) => void): void {
  const audit = program.command('audit').description('the hash-chained audit trail of every action (.git/hotfix/audit.jsonl): verify, export');

  audit
    .command('verify')
    .description('check the hash chain: exit 0 when intact, 1 naming the first edited, deleted, reordered, inserted, torn or malformed line')
    .option('--repo <path>', 'the repository (default: the current directory)')
    .option('--json', 'machine-readable output')
    .action(async (options: Common) => {
      setExit(await verify(io, options));
    });

  audit
    .command('export')
    .description('write the audit records out for compliance and post-mortems')
    .option('--since <when>', 'only records since an ISO date/time (2026-03-01T09:00:00Z) or a duration back from now (90m, 24h, 7d)')
    .option('--format <format>', 'json (records as stored), csv or md (a Markdown table)', 'json')
    .option('--output <file>', 'write to FILE instead of standard output')
    .option('--repo <path>', 'the repository (default: the current directory)')
    .action(async (options: ExportOptions) => {
      setExit(await exportVerb(io, options));
    });
}

async function logFile(out: Reporter, options: Common): Promise<string | ExitCode> {
  const dir = options.repo ?? process.cwd();
  const location = await locateRepository(dir);
  if (!location) {
    return out.failure(`${dir} is not inside a git repository.`, 'Run it from the repository of the service, or pass --repo=PATH.', EXIT.failed);
  }
  return path.join(stateDir(location), 'audit.jsonl');
}

async function verify(io: Io, options: Common): Promise<ExitCode> {
  const out = reporter(io, options.json === true);
  const file = await logFile(out, options);
  if (typeof file === 'number') return file;
  const text = await readAuditLog(file);
  if (text === undefined) {
    return out.result({ file, records: 0, legacy: 0 }, [`0 records: no audit log yet (${file})`]);
  }
  const report = verifyChain(text);
  if (!report.ok) {
    const { line, kind, verified, legacy } = report;
    return out.failure(report.message, hintFor(report), EXIT.failed, { file, line, kind, verified, legacy });
  }
  const human = [report.head ? `${report.records} records, chain intact, head ${report.head}` : `${report.records} records, chain intact`, `  file ${file}`];
  if (report.first !== undefined) human.push(`  from ${report.first} to ${report.last ?? report.first}`);
  if (report.legacy > 0) {
    human.push(`  ${report.legacy} unchained legacy record${report.legacy === 1 ? '' : 's'} before line ${report.legacy + 1}: written before the hash chain, counted but not protected`);
  }
  return out.result({ file, ...report }, human);
}

function hintFor(problem: ChainProblem): string {
  const checked = `${problem.verified} chained record${problem.verified === 1 ? '' : 's'} before it verified; nothing after it was checked.`;
  if (problem.kind === 'torn') {
    return `An append was interrupted (a crash, a full disk): the fragment is not a record, and later records chain around it. Keep the file as evidence, or delete line ${problem.line} by hand to make the chain verify again. ${checked}`;
  }
  return `The log was changed after it was written. Compare it with a backup to see what changed. ${checked}`;
}

async function exportVerb(io: Io, options: ExportOptions): Promise<ExitCode> {
  const out = reporter(io, false);
  const format = parseExportFormat(options.format);
  if (!format.ok) return out.failure(format.reason, format.hint, EXIT.usage);
  let since: Date | undefined;
  if (options.since !== undefined) {
    const parsed = parseSince(options.since, new Date());
    if (!parsed.ok) return out.failure(parsed.reason, parsed.hint, EXIT.usage);
    since = parsed.value;
  }
  const file = await logFile(out, options);
  if (typeof file === 'number') return file;
  const text = (await readAuditLog(file)) ?? '';
  const report = verifyChain(text);
  if (!report.ok) {
    // Export anyway (a post-mortem needs the records), but never quietly.
    io.err(`hotfix-deployer: warning: the audit chain is broken: ${report.message} Exporting the records as they are; run \`hotfix-deployer audit verify\`.\n`);
  }
  const entries = readEntries(text);
  const content = exportRecords(entries, format.value, since);
  if (options.output === undefined) {
    io.out(content);
    return EXIT.ok;
  }
  const target = path.resolve(options.output);
  await writeFile(target, content, { mode: 0o600 });
  io.out(`exported ${selectSince(entries, since).length} records (${format.value}) to ${target}\n`);
  return EXIT.ok;
}
