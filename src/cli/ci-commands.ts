// `ci generate` and `alerts generate`: pipeline and alerting files made from .hotfix/config.yaml.
// The work is in ci-verbs.ts, loaded when one of these verbs runs.

import type { Command } from 'commander';
import type { AlertsOptions, CiOptions } from './ci-verbs';
import type { ExitCode } from './exit-codes';
import type { Io } from './program';

const OUTPUT = 'the file to write, relative to the current directory; - prints to stdout';

export function registerCiCommands(program: Command, io: Io, setExit: (code: ExitCode) => void): void {
  const ci = program.command('ci').description('pipelines for hotfix branches that call this CLI');
  ci.command('generate')
    .description('write a pipeline for pushes to hotfix/**: validate, deploy to staging and verify, then a guarded production deploy with a backup and verify')
    .requiredOption('--provider <name>', 'github-actions or gitlab')
    .option('--staging <target>', 'the target deployed first (default: the first unprotected target in .hotfix/config.yaml)')
    .option('--production <target>', 'the production target (default: the one protected target)')
    .option('--suite <name>', "the validation suite (default: the production target's validate:)")
    .option('--output <file>', `${OUTPUT} (default: .github/workflows/hotfix.yml or .gitlab-ci.yml in the repository)`)
    .option('--force', 'overwrite the file if it exists')
    .option('--repo <path>', 'the repository (default: the current directory)')
    .option('--json', 'machine-readable output')
    .action(async (options: CiOptions) => {
      const { ciGenerateVerb } = await import('./ci-verbs.js');
      setExit(await ciGenerateVerb(io, options));
    });

  const alerts = program.command('alerts').description('Prometheus alerting rules from the targets\' metric gates');
  alerts
    .command('generate')
    .description('write Prometheus alerting rules: each metric gate above its bound, and a regression against an hour earlier')
    .option('--output <file>', `${OUTPUT} (default: .hotfix/alerts.rules.yml in the repository)`)
    .option('--force', 'overwrite the file if it exists')
    .option('--repo <path>', 'the repository (default: the current directory)')
    .option('--json', 'machine-readable output')
    .action(async (options: AlertsOptions) => {
      const { alertsGenerateVerb } = await import('./ci-verbs.js');
      setExit(await alertsGenerateVerb(io, options));
    });
}
