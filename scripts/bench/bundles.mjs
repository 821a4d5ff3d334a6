// @ts-check
// Builds the shipped bundles exactly as `npm run package` does (`node scripts/build.mjs --production`),
// but in a temporary copy of the project, so dist/ keeps the development build the tests expect.
import { execFileSync } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync, statSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { gzipSync } from 'node:zlib';

const SKIP = new Set(['node_modules', '.git', 'dist', 'out', '.vscode-test', 'coverage']);
// The main bundles first, then the chunks they load on first use (scripts/build.mjs, SPLITS and CLI_VERBS:
// the CLI's command tree and the verbs a rollback and a status load; the other verbs are like them).
export const BUNDLES = ['extension.js', 'cli.js', 'webview.js', 'cli-main.js', 'cli-deploy-verbs.js', 'cli-hotfix-verbs.js', 'kube.js', 'config.js', 'kube-context.js', 'gitops-manifests.js'];

/**
 * @param {string} projectRoot
 * @returns {{ dir: string, dist: string, sizes: { file: string, bytes: number, gzip: number }[], dispose: () => void }}
 */
export function buildProduction(projectRoot) {
  const dir = mkdtempSync(path.join(tmpdir(), 'hotfix-bench-build-'));
  try {
    cpSync(projectRoot, dir, {
      recursive: true,
      filter: (source) => {
        const relative = path.relative(projectRoot, source);
        const top = relative.split(path.sep)[0] ?? '';
        return !SKIP.has(top) && !relative.endsWith('.vsix');
      },
    });
    symlinkSync(path.join(projectRoot, 'node_modules'), path.join(dir, 'node_modules'), 'dir');
    execFileSync(process.execPath, ['scripts/build.mjs', '--production'], { cwd: dir, stdio: ['ignore', 'pipe', 'inherit'] });
  } catch (error) {
    rmSync(dir, { recursive: true, force: true });
    throw error;
  }
  const dist = path.join(dir, 'dist');
  // A baseline checkout (--baseline) may predate some of them.
  const sizes = BUNDLES.filter((file) => existsSync(path.join(dist, file))).map((file) => {
    const full = path.join(dist, file);
    return { file: `dist/${file}`, bytes: statSync(full).size, gzip: gzipSync(readFileSync(full), { level: 9 }).length };
  });
  return { dir, dist, sizes, dispose: () => rmSync(dir, { recursive: true, force: true }) };
}

/**
 * Packages the built copy as `npm run package` does (`vsce package --no-dependencies`, the bundles
 * already built) and returns the .vsix's size. @param {{ dir: string }} build
 * @returns {{ file: string, bytes: number }}
 */
export function packageVsix(build) {
  const file = path.join(build.dir, 'hotfix-deployer.vsix');
  const vsce = path.join(build.dir, 'node_modules', '@vscode', 'vsce', 'vsce');
  execFileSync(process.execPath, [vsce, 'package', '--no-dependencies', '--out', file], { cwd: build.dir, stdio: ['ignore', 'pipe', 'pipe'] });
  return { file, bytes: statSync(file).size };
}
