// `hotfix-deployer` executable: runs the CLI twin with the process's arguments and exit code.
// Everything it prints passes through the redaction of the notification secrets in its environment.

import { secretRedactor } from '../adapters/notify/secret-env';
import { run } from './program';

// One choke point for stdout and stderr: whatever a verb, commander or a receiver's echoed error page
// puts in a line, no part of a webhook URL or key reaches a terminal or a CI log.
const redact = secretRedactor(process.env);

// `audit export | head`: the reader went away. That is the reader's choice, not a failure to report
// with a stack trace; stop writing and exit as a pipeline expects (SIGPIPE's status, 141).
for (const stream of [process.stdout, process.stderr]) {
  stream.on('error', (error: NodeJS.ErrnoException) => {
    if (error.code === 'EPIPE') process.exit(141);
    throw error;
  });
}

run(process.argv.slice(2), {
  out: (text) => process.stdout.write(redact(text)),
  err: (text) => process.stderr.write(redact(text)),
}).then(
  (code) => exitOnceWritten(code),
  (error: unknown) => {
    process.stderr.write(redact(`hotfix-deployer: unexpected error: ${String(error)}\n`));
    exitOnceWritten(1);
  },
);

/**
 * The verb is done: the process ends as soon as what it wrote has left, not when a stray timer does.
 * simple-git keeps one for 50 ms after each git process exits (its completion detection), so a verb
 * whose last step is a git read (status) would otherwise sit idle that long before exiting. Nothing
 * that matters is left: a verb resolves after its writes, audit line and notifications are done.
 */
function exitOnceWritten(code: number): void {
  process.exitCode = code;
  process.stdout.write('', () => process.stderr.write('', () => process.exit()));
}
