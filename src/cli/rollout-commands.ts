// `rollout <verb>`: an Argo Rollout target's verbs, the same as `kubectl argo rollouts` (status,
// promote, abort, retry, pause, resume, undo, restart). The work is in rollout-verbs.ts.

import type { Command } from 'commander';
import type { ExitCode } from './exit-codes';
import type { Io } from './program';
import type { RolloutOptions } from './rollout-verbs';

const VERBS: readonly (readonly [string, string])[] = [
  ['promote', 'move a paused Rollout on to its next step (with --full: skip the remaining steps, pauses and analysis)'],
  ['abort', 'abort the update in progress: traffic back to stable, the canary scaled down (the Rollout goes Degraded)'],
  ['retry', 'start an aborted update again from its first step'],
  ['pause', 'pause the Rollout by hand (spec.paused)'],
  ['resume', 'end a pause by hand; a pause step of the Rollout still waits for promote'],
  ['undo', 'go back to the previous revision (or --to-revision), as kubectl argo rollouts undo does'],
  ['restart', "replace the Rollout's pods one at a time (spec.restartAt)"],
];

export function registerRolloutCommands(program: Command, io: Io, setExit: (code: ExitCode) => void): void {
  const rollout = program.command('rollout').description('an Argo Rollout target, acted on through the Rollout as kubectl argo rollouts does; every action audited and on the incident timeline');
  const common = (command: Command) =>
    command
      .requiredOption('--target <name>', 'the target in .hotfix/config.yaml (strategy argo-rollout, or detected)')
      .option('--kubeconfig <file>', 'the kubeconfig (default: $KUBECONFIG, then ~/.kube/config)')
      .option('--repo <path>', 'the repository (default: the current directory)')
      .option('--json', 'machine-readable output');

  common(rollout.command('status').description("the Rollout's phase, step, weights, ReplicaSets and every AnalysisRun (why one failed, in a line)"))
    .option('--watch', 'follow it as kubectl argo rollouts status --watch does: until Healthy (exit 0) or Degraded (exit 1)')
    .option('--timeout <time>', 'with --watch: give up after this long (exit 3), e.g. 5m')
    .action(async (options: RolloutOptions) => {
      const { statusVerb } = await import('./rollout-verbs.js');
      setExit(await statusVerb(io, options));
    });
  for (const [verb, description] of VERBS) {
    const command = common(rollout.command(verb).description(description))
      .option('--incident <id>', 'the incident this belongs to (default: the only open one; none: no incident)')
      .option('--yes', 'confirm it for a protected target');
    if (verb === 'promote') command.option('--full', 'skip the remaining steps, pauses and analysis');
    if (verb === 'undo') command.option('--to-revision <n>', 'the revision to go back to, as history lists it (default: the previous one)');
    command.action(async (options: RolloutOptions) => {
      const { actionVerb } = await import('./rollout-verbs.js');
      setExit(await actionVerb(io, verb, options));
    });
  }
}
