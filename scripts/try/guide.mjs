// @ts-check
// What `npm run try` prints once everything is up: where to click, and one incident end to end, as CLI
// commands (exact, with the sandbox's paths) and as command-palette commands.
import * as path from 'node:path';

/** Quotes for a POSIX shell when needed. @param {string} s */
const sh = (s) => (/^[\w@%+=:,./-]+$/.test(s) ? s : `'${s.replace(/'/g, `'\\''`)}'`);

/**
 * @param {{ url: string, work: string, infra: string, kubeconfig: string, extension: string, prometheusUrl: string,
 *   trafficUrl: string, state: string, namespace: string }} o
 */
export function guide(o) {
  const cli = `node ${sh(path.join(o.extension, 'dist', 'cli.js'))}`;
  const kc = `--kubeconfig=${sh(o.kubeconfig)}`;
  const lines = [
    '',
    '  Hotfix Deployer sandbox is up. Nothing of yours is touched: everything lives in',
    `    ${o.state}`,
    '',
    '  Open VS Code (code-server, the extension under development, the demo repository) in a browser:',
    '',
    `    ${o.url}`,
    '',
    `  Demo repository   ${o.work}   (production, develop, v1.3.0, v1.4.0, remote checkout.git)`,
    `  Manifests         ${o.infra}   (apps/api/deployment.yaml, remote infra.git: what Argo CD syncs api from)`,
    `  Local cluster     kubeconfig ${o.kubeconfig}   (namespace ${o.namespace}: api, checkout-blue/-green, web)`,
    `  Prometheus        ${o.prometheusUrl}   (scraping the traffic service ${o.trafficUrl}/metrics every second)`,
    '  The editor deploys through that kubeconfig (user setting hotfixDeployer.kubeconfig); the CLI takes --kubeconfig.',
    '  Targets in .hotfix/config.yaml: rolling (Deployment api), blue-green (checkout-blue/-green behind Service',
    '  checkout), canary (web, steps 25/50/100%, 20 s pauses, gates error-rate <= 5% and p95 <= 0.25 s).',
    '  The traffic service makes any image with "broken" in its name answer 40% errors at 0.3 s: a canary of',
    '  web-broken:2.0 fails its gate and is rolled back; web:1.1 passes. Argo CD\'s Application argocd/api (the',
    '  object only: no Argo CD runs here) owns api with selfHeal, so a deploy of api asks first.',
    '',
    '  One incident, in a terminal:',
    '',
    `    cd ${sh(o.work)}`,
    `    ${cli} incident create --severity=sev2 --title="Checkout fails without a coupon" --impact="high: orders without a coupon fail"`,
    `    ${cli} create --issue=PROD-2847 --title="null coupon"`,
    "    sed -i 's/order.coupon.percent/(order.coupon?.percent ?? 0)/' src/checkout.js && node test.js && git commit -qam 'fix: orders without a coupon'",
    `    ${cli} deploy --target=canary --image=web-broken:2.0 ${kc}   # the gate fails at 25%, the canary is rolled back (exit 1)`,
    `    ${cli} deploy --target=canary --image=web:1.1 ${kc}          # 25% -> 50% -> 100%, promoted (about a minute)`,
    `    ${cli} deploy --target=blue-green --image=checkout:1.4.1 ${kc}`,
    `    ${cli} running --target=rolling ${kc}               # the commit api runs: v1.4.0`,
    `    ${cli} deploy --target=rolling --image=api:1.4.1 ${kc}   # refused: Argo CD would revert it (exit 2)`,
    `    ${cli} deploy --target=rolling --image=api:1.4.1 --pause-gitops ${kc}   # auto-sync paused; the manifests commit prepared in ${sh(o.infra)}`,
    `    ${cli} gitops status --target=rolling ${kc}`,
    `    git -C ${sh(o.infra)} push origin hotfix/PROD-2847-null-coupon:main   # what merging its pull request does`,
    `    ${cli} targets ${kc}`,
    `    ${cli} incident update --status=monitoring --note="web:1.1 at 100%, errors back to 0"`,
    `    ${cli} incident resolve --root-cause="null coupon in checkout totals" --action-items="test orders without a coupon @ada" ${kc}   # restores auto-sync: git says api:1.4.1 now`,
    `    ${cli} incident postmortem`,
    `    ${cli} finish                                    # merge to production, tag v1.4.1, merge back to develop, push`,
    '',
    '  The same in the editor (Ctrl+Shift+P, or the Hotfix icon in the activity bar):',
    '',
    '    Hotfix: Declare Incident…         SEV2, "Checkout fails without a coupon"',
    '    Hotfix: Create Hotfix Branch…     PROD-2847, from v1.4.0; fix src/checkout.js and commit',
    '    Hotfix: Deploy…                   target canary, image web-broken:2.0; Hotfix: Show Canary Progress',
    '                                      shows the gate fail and the rollback',
    '    Hotfix: Deploy…                   target canary, image web:1.1',
    '    Hotfix: Deploy…                   target rolling, image api:1.4.1: Pause Auto-Sync and Deploy; the',
    '                                      Deployments view shows the Application paused and the commit api runs',
    '    Hotfix: Open Incident Timeline    everything above, in order',
    '    Hotfix: Resolve Incident…         then Hotfix: Draft Post-Mortem',
    '',
    '  Ctrl-C stops everything (code-server, Prometheus, traffic, cluster). `npm run try` again reuses the',
    '  repository and its incidents; the cluster starts empty each time, with the demo apps redeployed.',
    '',
  ];
  return lines.join('\n');
}
