// `running`: its options. The work is in running-verb.ts, loaded when it runs.

import type { Command } from 'commander';
import type { ExitCode } from './exit-codes';
import type { Io } from './program';
import type { RunningOptions } from './running-verb';

export function registerRunningCommands(program: Command, io: Io, setExit: (code: ExitCode) => void): void {
  program
    .command('running')
    .description("what a target runs now, the commit it maps to (annotations, OCI revision, tag pattern, image tag or SHA) and its drift from the production release")
    .requiredOption('--target <name>', 'the target in .hotfix/config.yaml (e.g. production)')
    .option('--incident <id>', 'the incident a drift is recorded in (default: the only open incident, if any)')
    .option('--kubeconfig <file>', 'the kubeconfig (default: $KUBECONFIG, then ~/.kube/config)')
    .option('--repo <path>', 'the repository (default: the current directory)')
    .option('--json', 'machine-readable output')
    .action(async (options: RunningOptions) => {
      const { runningVerb } = await import('./running-verb.js');
      setExit(await runningVerb(io, options));
    });
}
