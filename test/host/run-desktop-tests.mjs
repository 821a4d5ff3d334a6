#!/usr/bin/env node
// Desktop launcher for the same extension-host suite, for machines with internet: @vscode/test-electron
// downloads a VS Code build and runs out/test/e2e in it. Offline machines and CI use run-host-tests.mjs.
import { mkdtempSync, rmSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { runTests } from '@vscode/test-electron';
import { createWorkspace } from './workspace.mjs';

const ext = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const tmp = mkdtempSync(path.join(os.tmpdir(), 'hotfix-desktop-'));
const workspace = createWorkspace(path.join(tmp, 'ws'));
let code = 1;
try {
  code = await runTests({
    extensionDevelopmentPath: ext,
    extensionTestsPath: path.join(ext, 'out/test/e2e/index.js'),
    launchArgs: [workspace, '--disable-extensions', '--disable-workspace-trust', '--user-data-dir', path.join(tmp, 'ud')],
    extensionTestsEnv: { HOTFIX_TEST_WORKSPACE: workspace },
  });
} catch (error) {
  console.error('[desktop] tests failed:', error instanceof Error ? error.message : error);
}
rmSync(tmp, { recursive: true, force: true });
process.exit(code);
