// `validate`: its options. The work is in validate-verb.ts, loaded when the verb runs.

import type { Command } from 'commander';
import type { ExitCode } from './exit-codes';
import type { Io } from './program';
import type { ValidateOptions } from './validate-verb';

export function registerValidateCommands(program: Command, io: Io, setExit: (code: ExitCode) => void): void {
  program
    .command('validate')
    .description("run a validation suite (commands as argument arrays, no shell) and the built-in checks before a deploy: branch pushed and on the baseline, config, cluster, image, server-side dry-run")
    .option('--environment <name>', 'the target in .hotfix/config.yaml to validate against (its cluster, image, and validate: suite)')
    .option('--target <name>', 'the same as --environment')
    .option('--test-suite <name>', "the suite under validate: in .hotfix/config.yaml (default: the target's validate:)")
    .option('--image <ref>', "the image the deploy would write (default: the target's image template with this release's version)")
    .option('--incident <id>', 'the incident whose timeline records the result (default: the only open one)')
    .option('--kubeconfig <file>', 'the kubeconfig (default: $KUBECONFIG, then ~/.kube/config)')
    .option('--repo <path>', 'the repository (default: the current directory)')
    .option('--json', 'machine-readable output (step output goes to stderr)')
    .action(async (options: ValidateOptions) => {
      const { validateVerb } = await import('./validate-verb.js');
      setExit(await validateVerb(io, options));
    });
}
