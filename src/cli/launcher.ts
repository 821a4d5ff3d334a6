// The `hotfix-deployer` executable (dist/cli.js): requires the CLI twin, dist/cli-main.js, and the bundles
// it loads for a verb through V8's code cache (code-cache.ts), so a run compiles no code it compiled before.
// Bundled on its own and kept this small: everything else waits for the verb.
//
// `--version` (or `-V`) alone is answered here, as commander would answer it, without building the
// command tree: scripts and pipelines ask it to check what they run, and it then costs node's start only.

import * as path from 'node:path';
import { version } from '../../package.json';
import { codeCacheDir, requireWithCodeCache } from './code-cache';

const argv = process.argv.slice(2);
if (argv.length === 1 && (argv[0] === '--version' || argv[0] === '-V')) {
  process.stdout.write(`${version}\n`);
} else {
  requireWithCodeCache(path.join(__dirname, 'cli-main.js'), codeCacheDir());
}
