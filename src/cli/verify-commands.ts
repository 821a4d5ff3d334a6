// `verify`: watch a target's health endpoints and metric gates for a while after a deploy, and roll
// back by itself on failure with --auto-rollback. The work is in verify-verbs.ts.

import type { Command } from 'commander';
import type { ExitCode } from './exit-codes';
import type { Io } from './program';
import type { VerifyOptions } from './verify-verbs';

export function registerVerifyCommands(program: Command, io: Io, setExit: (code: ExitCode) => void): void {
  program
    .command('verify')
    .description("watch a target after a deploy: its health endpoints and Prometheus metric gates, every interval for a duration; with --auto-rollback, roll back on failure")
    .option('--target <name>', 'the target in .hotfix/config.yaml (e.g. production)')
    .option('--environment <name>', 'the same as --target')
    .option('--endpoints <groups>', "health endpoint groups under the target's verify.health, comma-separated (default: all)")
    .option('--duration <time>', 'how long to watch, e.g. 5m', '5m')
    .option('--interval <time>', "between rounds (default: the target's verify.interval, else 10s)")
    .option('--auto-rollback', 'on failure, roll the target back by its fastest safe path')
    .option('--incident <id>', 'the incident to record the verdict in (default: the only open one)')
    .option('--yes', 'confirm the automatic rollback of a protected target (production) in advance')
    .option('--kubeconfig <file>', 'the kubeconfig (default: $KUBECONFIG, then ~/.kube/config)')
    .option('--repo <path>', 'the repository (default: the current directory)')
    .option('--json', 'machine-readable output')
    .action(async (options: VerifyOptions) => {
      const { verifyVerb } = await import('./verify-verbs.js');
      setExit(await verifyVerb(io, options));
    });
}
