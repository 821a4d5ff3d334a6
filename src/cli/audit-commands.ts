// `audit verify`, `audit export`, `audit reconcile` and `audit anchor`: their options. The work is in
// audit-verbs.ts, loaded when one of them runs.

import type { Command } from 'commander';
import type { AnchorOptions, AuditCommon, ExportOptions, VerifyOptions } from './audit-verbs';
import type { ExitCode } from './exit-codes';
import type { Io } from './program';

export function registerAuditCommands(program: Command, io: Io, setExit: (code: ExitCode) => void): void {
  const audit = program.command('audit').description('the hash-chained audit trail of every action (.git/hotfix/audit.jsonl): verify, export, anchor');

  audit
    .command('verify')
    .description('check the hash chain, its anchors in git and that every incident event has its record: exit 0 when all hold, 1 naming each problem')
    .option('--remote <name>', 'the remote whose anchor is checked too (default: git.remote, else origin)')
    .option('--offline', 'check the local anchors only, without asking the remote')
    .option('--repo <path>', 'the repository (default: the current directory)')
    .option('--json', 'machine-readable output')
    .action(async (options: VerifyOptions) => {
      const { verifyVerb } = await import('./audit-verbs.js');
      setExit(await verifyVerb(io, options));
    });

  audit
    .command('export')
    .description('write the audit records out for compliance and post-mortems')
    .option('--since <when>', 'only records since an ISO date/time (2026-03-01T09:00:00Z) or a duration back from now (90m, 24h, 7d)')
    .option('--format <format>', 'json (records as stored), csv or md (a Markdown table)', 'json')
    .option('--output <file>', 'write to FILE instead of standard output')
    .option('--force', 'overwrite --output if it exists')
    .option('--repo <path>', 'the repository (default: the current directory)')
    .action(async (options: ExportOptions) => {
      const { exportVerb } = await import('./audit-verbs.js');
      setExit(await exportVerb(io, options));
    });

  audit
    .command('reconcile')
    .description('record the incident events a stopped process stored without their audit record (verify names them), marked as recorded afterwards, so verify holds again')
    .option('--repo <path>', 'the repository (default: the current directory)')
    .option('--json', 'machine-readable output')
    .action(async (options: AuditCommon) => {
      const { reconcileVerb } = await import('./audit-verbs.js');
      setExit(await reconcileVerb(io, options));
    });

  audit
    .command('anchor')
    .description('anchor the chain head in git (refs/hotfix/audit/<chain>) and push it, as finish does, so a rewrite of the log shows')
    .option('--remote <name>', 'push the anchor there (default: git.remote, else origin)')
    .option('--no-push', 'write the anchor locally only')
    .option('--repo <path>', 'the repository (default: the current directory)')
    .option('--json', 'machine-readable output')
    .action(async (options: AnchorOptions) => {
      const { anchorVerb } = await import('./audit-verbs.js');
      setExit(await anchorVerb(io, options));
    });
}

