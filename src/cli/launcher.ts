// The `hotfix-deployer` executable (dist/cli.js): requires the CLI twin, dist/cli-main.js, and the bundles
// it loads for a verb through V8's code cache (code-cache.ts), so a run compiles no code it compiled before.
// Bundled on its own and kept this small: everything else waits for the verb.

import * as path from 'node:path';
import { codeCacheDir, requireWithCodeCache } from './code-cache';

requireWithCodeCache(path.join(__dirname, 'cli-main.js'), codeCacheDir());
