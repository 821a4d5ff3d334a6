// `npm test`: every tier, in order, with each one's duration. Stops at the first failing tier and
// exits non-zero. Tiers: build (strict types, out/, dist/), static (lint, manifest), unit, integration,
// extension host, UI (the workbench driven with Playwright).
// HOTFIX_TIERS=unit,integration runs a subset (the build always runs).
import { spawnSync } from 'node:child_process';

const npx = (...args) => ['npx', '--no-install', ...args];
const tiers = [
  // Type-checks everything (strict) and emits out/ for mocha; bundles dist/ as it ships.
  { name: 'build', steps: [
    npx('tsc', '-p', 'tsconfig.json'),
    npx('tsc', '-p', 'tsconfig.webview.json'),
    ['node', 'scripts/build.mjs'],
  ] },
  { name: 'static', steps: [npx('eslint', '.', '--max-warnings=0'), ['node', 'scripts/check-commands.mjs']] },
  { name: 'unit', steps: [npx('mocha', '--config', 'test/unit/.mocharc.json')] },
  // The panel's page alone in headless Chromium (Debian's, installed by the host set-up): rendering, CSP, XSS, 10k events.
  { name: 'webview', steps: [['bash', 'test/host/setup-vscode-host.sh'], npx('mocha', '--config', 'test/webview/.mocharc.json')] },
  // build-kube.sh: the Kubernetes control plane the integration tests start, with the Gateway API CRDs;
  // build-helm.sh: the Helm CLI that installs real charts; build-argo-rollouts.sh: the Argo Rollouts controller
  // and its CRDs, with the kubectl plugin's source the patches are checked against. Each built once per
  // machine with Go, cached.
  { name: 'integration', steps: [['bash', 'test/kube/build-kube.sh'], ['bash', 'test/kube/build-helm.sh'], ['bash', 'test/kube/build-argo-rollouts.sh'], ['bash', 'test/forge/setup-github-openapi.sh'], npx('mocha', '--config', 'test/integration/.mocharc.json')] },
  { name: 'host', steps: [['bash', 'test/host/setup-vscode-host.sh'], ['bash', 'test/kube/build-kube.sh'], ['bash', 'test/kube/build-helm.sh'], ['bash', 'test/kube/build-argo-rollouts.sh'], ['bash', 'test/forge/setup-github-openapi.sh'], ['node', 'test/host/run-host-tests.mjs']] },
  // The workbench driven as a person does (test/ui): palette, quick inputs, views, notifications.
  { name: 'ui', steps: [['bash', 'test/host/setup-vscode-host.sh'], npx('mocha', '--config', 'test/ui/.mocharc.json')] },
];

const only = process.env.HOTFIX_TIERS?.split(',').map((t) => t.trim());
const selected = only ? tiers.filter((t) => only.includes(t.name) || t.name === 'build') : tiers;
const timings = [];
let failedTier;
for (const tier of selected) {
  const started = Date.now();
  console.log(`\n=== ${tier.name} ===`);
  for (const [command, ...args] of tier.steps) {
    const { status, error } = spawnSync(command, args, { stdio: 'inherit' });
    if (status !== 0) {
      failedTier = `${tier.name} (${[command, ...args].join(' ')} ${error ? error.message : `exited ${status}`})`;
      break;
    }
  }
  timings.push(`${tier.name} ${((Date.now() - started) / 1000).toFixed(1)}s`);
  if (failedTier) break;
}
console.log(`\n=== tiers: ${timings.join(', ')} ===`);
if (failedTier) {
  console.error(`FAILED: ${failedTier}`);
  process.exit(1);
}
console.log('all tiers passed');
