// @ts-check
// The sandbox's demo repository: a small checkout service on real git, shaped like the repositories
// hotfixes start from (gitflow: production with release tags v1.3.0 and v1.4.0, develop ahead of it, a
// bare remote), with a bug to fix in production and a committed .hotfix/config.yaml naming three targets
// on the local cluster (rolling, blue-green, canary) and the local Prometheus.
//
//   import { ensureRepository } from './repo.mjs';
//   const { work, created } = ensureRepository(dir, { namespace: 'demo', prometheusUrl });
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';

const GIT_ENV = {
  GIT_AUTHOR_NAME: 'Ada Oncall', GIT_AUTHOR_EMAIL: 'ada@example.com',
  GIT_COMMITTER_NAME: 'Ada Oncall', GIT_COMMITTER_EMAIL: 'ada@example.com',
  // Nothing of the user's git configuration (hooks, signing, templates) applies to the sandbox.
  GIT_CONFIG_NOSYSTEM: '1', GIT_CONFIG_GLOBAL: '/dev/null', GIT_TERMINAL_PROMPT: '0',
};

/** The app at v1.4.0: a checkout total that crashes on an order without a coupon (the bug to fix). */
const CHECKOUT_BUGGY = `// The order total, in cents.
function total(order) {
  const subtotal = order.items.reduce((sum, item) => sum + item.price * item.quantity, 0);
  // BUG (PROD-2847): an order without a coupon has coupon === null, and this throws
  // "Cannot read properties of null (reading 'percent')". The fix: order.coupon?.percent ?? 0.
  const discount = Math.round((subtotal * order.coupon.percent) / 100);
  return subtotal - discount;
}

module.exports = { total };
`;

const CHECKOUT_130 = `// The order total, in cents.
function total(order) {
  return order.items.reduce((sum, item) => sum + item.price * item.quantity, 0);
}

module.exports = { total };
`;

const TEST = `// node test.js
const assert = require('node:assert');
const { total } = require('./src/checkout');

assert.equal(total({ items: [{ price: 1000, quantity: 2 }], coupon: { percent: 10 } }), 1800);
assert.equal(total({ items: [{ price: 1000, quantity: 2 }], coupon: null }), 2000); // fails until the hotfix
console.log('ok');
`;

const README = `# checkout (demo)

The demo service of \`npm run try\` (Hotfix Deployer's sandbox). Production runs v1.4.0, which crashes
on orders without a coupon (PROD-2847, in src/checkout.js). Fix it on a hotfix branch, deploy it
through the three targets of .hotfix/config.yaml, and watch the canary gate on the local Prometheus.
`;

/** @param {{ namespace: string, prometheusUrl: string }} o */
export function configYaml(o) {
  const sel = `namespace="${o.namespace}",app="web"`;
  return `# Hotfix Deployer: the sandbox's team settings (written by npm run try).
# Every target is in namespace ${o.namespace} of the local cluster (the kubeconfig's current context).
# None is named production, so none asks for a confirmation: a smooth demo.
git: { model: gitflow, productionBranch: production, developBranch: develop }
targets:
  rolling:                      # Deployment api, updated in place revision by revision
    namespace: ${o.namespace}
    app: api
    image: "api:{version}"
    progressDeadline: 20s
    gitops:                     # Argo CD's Application argocd/api syncs it from ../infra, with selfHeal
      autoSync: ask             # a deploy here asks first: pause auto-sync (--pause-gitops) or not
      manifests: { repo: ../infra, path: apps/api/deployment.yaml, branch: main }
  blue-green:                   # checkout-blue / checkout-green behind Service checkout
    namespace: ${o.namespace}
    app: checkout
    strategy: blue-green
    service: checkout
    image: "checkout:{version}"
  canary:                       # stable web (track: stable) behind Service web; web-canary grows beside it
    namespace: ${o.namespace}
    app: web
    strategy: canary
    service: web
    image: "web:{version}"
    progressDeadline: 20s
    canary: { steps: [25, 50, 100], pause: 20s }
    verify:                     # judged at every canary step on the local Prometheus
      metrics:
        - { name: error-rate, selector: '${sel}', window: 15s, max: 0.05 }
        - { name: p95, kind: latency, selector: '${sel}', window: 15s, max: 0.25 }
      interval: 5s
      inconclusiveLimit: 1
prometheus: { url: "${o.prometheusUrl}" }
`;
}

/** @param {string} cwd @param {string[]} args */
function git(cwd, ...args) {
  return execFileSync('git', args, { cwd, env: { ...process.env, ...GIT_ENV }, stdio: ['ignore', 'pipe', 'pipe'], encoding: 'utf8' }).trim();
}

/** @param {string} work @param {string} file @param {string} content @param {string} message */
function commit(work, file, content, message) {
  mkdirSync(path.dirname(path.join(work, file)), { recursive: true });
  writeFileSync(path.join(work, file), content);
  git(work, 'add', file);
  git(work, 'commit', '--quiet', '-m', message);
}

/**
 * The demo repository in `dir` (`checkout/` work tree, `checkout.git` bare remote): reused when it exists,
 * else created. Returns the work tree and whether it was created now.
 * @param {string} dir @param {{ namespace: string, prometheusUrl: string }} options
 */
export function ensureRepository(dir, options) {
  const work = path.join(dir, 'checkout');
  const remote = path.join(dir, 'checkout.git');
  const config = path.join(work, '.hotfix', 'config.yaml');
  if (existsSync(path.join(work, '.git')) && existsSync(remote) && existsSync(config)) {
    return { work, remote, created: false, prometheusUrl: /url: "([^"]+)"/.exec(readFileSync(config, 'utf8'))?.[1] };
  }
  rmSync(work, { recursive: true, force: true });
  rmSync(remote, { recursive: true, force: true });
  mkdirSync(work, { recursive: true });
  git(dir, 'init', '--quiet', '--bare', '--initial-branch=production', remote);
  git(work, 'init', '--quiet', '--initial-branch=production');
  // The editor and the CLI run with other HOMEs: keep identity and safety settings in the repository.
  git(work, 'config', 'user.name', GIT_ENV.GIT_AUTHOR_NAME);
  git(work, 'config', 'user.email', GIT_ENV.GIT_AUTHOR_EMAIL);
  git(work, 'config', 'commit.gpgsign', 'false');
  git(work, 'config', 'tag.gpgsign', 'false');
  git(work, 'remote', 'add', 'origin', remote);
  writeFileSync(path.join(work, '.gitignore'), 'node_modules/\n');
  commit(work, 'README.md', README, 'checkout service');
  writeFileSync(path.join(work, 'package.json'), `${JSON.stringify({ name: 'checkout', version: '1.3.0', private: true, scripts: { test: 'node test.js' } }, null, 2)}\n`);
  git(work, 'add', '.gitignore', 'package.json');
  commit(work, 'src/checkout.js', CHECKOUT_130, 'release 1.3.0');
  git(work, 'tag', '-a', 'v1.3.0', '-m', 'v1.3.0');
  commit(work, '.hotfix/config.yaml', configYaml(options), 'hotfix deployer: targets on the local cluster');
  writeFileSync(path.join(work, 'package.json'), `${JSON.stringify({ name: 'checkout', version: '1.4.0', private: true, scripts: { test: 'node test.js' } }, null, 2)}\n`);
  writeFileSync(path.join(work, 'test.js'), TEST);
  git(work, 'add', 'package.json', 'test.js');
  commit(work, 'src/checkout.js', CHECKOUT_BUGGY, 'release 1.4.0: coupons');
  git(work, 'tag', '-a', 'v1.4.0', '-m', 'v1.4.0');
  git(work, 'switch', '--quiet', '-c', 'develop');
  commit(work, 'src/currency.js', 'module.exports = { rate: (from, to) => (from === to ? 1 : 1.1) };\n', 'feature: currency rates');
  git(work, 'switch', '--quiet', 'production');
  git(work, 'push', '--quiet', '--follow-tags', '--set-upstream', 'origin', 'production', 'develop');
  return { work, remote, created: true, prometheusUrl: options.prometheusUrl };
}

const API_MANIFEST = (/** @type {string} */ image) => `# api, as Argo CD applies it (Application argocd/api)
apiVersion: apps/v1
kind: Deployment
metadata:
  name: api
spec:
  replicas: 3
  template:
    spec:
      containers:
      - name: app
        image: ${image}
`;

/**
 * The GitOps manifests repository Argo CD would sync api from: \`infra/\` (a clone) and \`infra.git\`
 * (its remote), reused when they exist.
 * @param {string} dir
 */
export function ensureInfra(dir) {
  const work = path.join(dir, 'infra');
  const remote = path.join(dir, 'infra.git');
  if (existsSync(path.join(work, '.git')) && existsSync(remote)) return { work, remote };
  rmSync(work, { recursive: true, force: true });
  rmSync(remote, { recursive: true, force: true });
  mkdirSync(work, { recursive: true });
  git(dir, 'init', '--quiet', '--bare', '--initial-branch=main', remote);
  git(work, 'init', '--quiet', '--initial-branch=main');
  git(work, 'config', 'user.name', GIT_ENV.GIT_AUTHOR_NAME);
  git(work, 'config', 'user.email', GIT_ENV.GIT_AUTHOR_EMAIL);
  git(work, 'config', 'commit.gpgsign', 'false');
  git(work, 'remote', 'add', 'origin', remote);
  commit(work, 'apps/api/deployment.yaml', API_MANIFEST('api:1.3.0'), 'api 1.3.0');
  commit(work, 'apps/api/deployment.yaml', API_MANIFEST('api:1.4.0'), 'api 1.4.0');
  git(work, 'push', '--quiet', '--set-upstream', 'origin', 'main');
  return { work, remote };
}
