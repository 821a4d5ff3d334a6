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
import { registerRolloutCommands } from './rollout-commands';
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
  registerRolloutCommands(program, io, setExit);
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

/** `--json` anywhere before a lone `--`: the caller parses stdout, whatever happens. */
function wantsJson(argv: readonly string[]): boolean {
  const end = argv.indexOf('--');
  return (end >= 0 ? argv.slice(0, end) : argv).includes('--json');
}

/** The first line of a message, without commander's `error: ` prefix. */
function firstLine(text: string): string {
  return (text.split('\n')[0] ?? '').replace(/^error: /, '').trim();
}

/**
 * Runs the CLI and returns its exit code instead of exiting, so it can be embedded and tested.
 * With `--json`, stdout carries exactly one JSON document whatever fails: a usage error found by the
 * parser, or an error nobody expected (EISDIR, a git failure), as `{"ok": false, ...}`.
 */
export async function run(argv: readonly string[], io: Io): Promise<ExitCode> {
  let code: ExitCode = EXIT.ok;
  let printed = false;
  const counted: Io = {
    out: (text) => {
      printed = true;
      io.out(text);
    },
    err: (text) => io.err(text),
  };
  const program = buildProgram(counted, (c) => {
    code = c;
  });
  const json = wantsJson(argv);
  const document = (reason: string, kind: string) => {
    if (json && !printed) counted.out(`${JSON.stringify({ ok: false, reason, kind }, null, 2)}\n`);
  };
  try {
    await program.parseAsync([...argv], { from: 'user' });
    return code;
  } catch (error) {
    if (error instanceof CommanderError) {
      // --help and --version end through exitOverride with code 0; anything else is usage.
      if (error.exitCode === 0) return EXIT.ok;
      document(firstLine(error.message), 'usage');
      return EXIT.usage;
    }
    // One line, never a stack: a git or file-system message keeps its words, folded.
    const reason = (error instanceof Error ? error.message : String(error)).replace(/\s+/g, ' ').trim().slice(0, 1000);
    if (json) document(reason, 'unexpected');
    else io.err(`hotfix-deployer: ${reason}\n`);
    return EXIT.failed;
  }
}
