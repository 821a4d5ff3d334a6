// `hotfix-deployer` executable: runs the CLI twin with the process's arguments and exit code.

import { run } from './program';

run(process.argv.slice(2), {
  out: (text) => process.stdout.write(text),
  err: (text) => process.stderr.write(text),
}).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    process.stderr.write(`hotfix-deployer: unexpected error: ${String(error)}\n`);
    process.exitCode = 1;
  },
);
