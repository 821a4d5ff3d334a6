// The CLI twin's command tree. Verbs parse their options and call the engine; they hold no rules.
// Each capability adds its verbs here as it lands (create, finish, deploy, incident, ...).

import { Command, CommanderError } from 'commander';
import { version } from '../../package.json';
import { registerAuditCommands } from './audit-commands';
import { registerCiCommands } from './ci-commands';
import { EXIT, type ExitCode } from './exit-codes';
import { registerDeployCommands } from './deploy-commands';
import { registerGitopsCommands } from './gitops-commands';
import { registerGitopsPrepare } from './gitops-prepare';
import { registerHotfixCommands } from './hotfix-commands';
import { registerIncidentCommands } from './incident-commands';
import { registerInitCommands } from './init-commands';
import { registerRunningCommands } from './running-commands';
import { registerVerifyCommands } from './verify-commands';
import { registerValidateCommands } from './validate-commands';

export interface Io {
  out(text: string): void;
  err(text: string): void;
}

export function buildProgram(io: Io, setExit: (code: ExitCode) => void = () => undefined): Command {
  const program = new Command('hotfix-deployer')
    .description('Ship an emergency production fix safely and reversibly: hotfix branches, deploys, rollbacks, incidents.')
    .version(version, '-V, --version', 'print the version')
    .showHelpAfterError('(run hotfix-deployer --help for usage)')
    // Program options only before the verb: `rollback --version=3` is the verb's own option.
    .enablePositionalOptions()
    .configureOutput({ writeOut: (text) => io.out(text), writeErr: (text) => io.err(text) })
    .exitOverride();
  registerInitCommands(program, io, setExit);
  registerHotfixCommands(program, io, setExit);
  registerValidateCommands(program, io, setExit);
  registerDeployCommands(program, io, setExit);
  registerRunningCommands(program, io, setExit);
  registerIncidentCommands(program, io, setExit);
  registerGitopsPrepare(registerGitopsCommands(program, io, setExit), io, setExit);
  registerVerifyCommands(program, io, setExit);
  registerAuditCommands(program, io, setExit);
  registerCiCommands(program, io, setExit);
  for (const command of program.commands) {
    command.exitOverride().configureOutput({ writeOut: (text) => io.out(text), writeErr: (text) => io.err(text) });
  }
  return program;
}

/** Runs the CLI and returns its exit code instead of exiting, so it can be embedded and tested. */
export async function run(argv: readonly string[], io: Io): Promise<ExitCode> {
  let code: ExitCode = EXIT.ok;
  const program = buildProgram(io, (c) => {
    code = c;
  });
  try {
    await program.parseAsync([...argv], { from: 'user' });
    return code;
  } catch (error) {
    if (error instanceof CommanderError) {
      // --help and --version end through exitOverride with code 0; anything else is usage.
      return error.exitCode === 0 ? EXIT.ok : EXIT.usage;
    }
    io.err(`hotfix-deployer: ${error instanceof Error ? error.message : String(error)}\n`);
    return EXIT.failed;
  }
}
