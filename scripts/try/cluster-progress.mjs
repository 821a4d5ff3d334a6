// @ts-check
// The editor terminal of `npm run try` (a task of the demo repository that runs when the folder opens):
// follows the sandbox's status line until the local cluster is up, or its build failed.
//
//   node scripts/try/cluster-progress.mjs STATUS_FILE
import { readFileSync } from 'node:fs';

const file = process.argv[2];
if (!file) {
  console.error('usage: node scripts/try/cluster-progress.mjs STATUS_FILE');
  process.exit(2);
}
let last = '';
const started = Date.now();
for (;;) {
  let line;
  try {
    line = readFileSync(file, 'utf8').trim();
  } catch {
    line = 'waiting for npm run try to report on the local cluster';
  }
  if (line !== last) {
    last = line;
    const at = new Date().toTimeString().slice(0, 8);
    console.log(`[${at}] ${line}`);
    if (/^the local cluster is up/.test(line)) {
      console.log('Deploys, rollbacks, the Deployments view and the canary panel work now. This terminal can be closed.');
      process.exit(0);
    }
    if (/failed/.test(line)) process.exit(1);
  }
  if (Date.now() - started > 60 * 60_000) process.exit(1);
  await new Promise((resolve) => setTimeout(resolve, 1000));
}
