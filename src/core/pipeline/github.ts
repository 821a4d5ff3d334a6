// The GitHub Actions workflow for hotfix branches: validate, deploy to staging and verify, then
// (after the production environment's reviewers approve) back up, deploy to production and verify.
// Every operational step is a hotfix-deployer verb; the rest is checkout, Node and secrets.

import { Document, isScalar, visit } from 'yaml';
import type { PipelinePlan } from './plan';
import { NOTIFY_SECRETS, cli, header } from './steps';

/**
 * Actions pinned to full commit SHAs (a tag can be moved; a SHA cannot), each with its release.
 * The SHAs are the published commits of these releases; bump them with Dependabot or Renovate.
 */
export const ACTIONS = {
  checkout: { uses: 'actions/checkout@11bd71901bbe5b1630ceea73d27597364c9af683', version: 'v4.2.2' },
  setupNode: { uses: 'actions/setup-node@39370e3970a6d050c480ffad4ff0ed4d3fdee5af', version: 'v4.1.0' },
  uploadArtifact: { uses: 'actions/upload-artifact@b4b15b8c7c6ac21ea08fcf65892d2ee8f75cf882', version: 'v4.4.3' },
} as const;

const RUNNER = 'ubuntu-24.04';
const NODE = '20.19';

type Step = Record<string, unknown>;

function setup(): Step[] {
  return [
    {
      name: 'Check out with full history and tags (release versions and baselines come from them)',
      uses: ACTIONS.checkout.uses,
      with: { 'fetch-depth': 0, 'fetch-tags': true, 'persist-credentials': false },
    },
    { name: 'Set up Node', uses: ACTIONS.setupNode.uses, with: { 'node-version': NODE, cache: 'npm' } },
    { name: 'Install', run: 'npm ci' },
    {
      // The secret reaches the shell as an environment variable, never pasted into the script.
      name: 'Write the kubeconfig (owner-only)',
      env: { HOTFIX_KUBECONFIG: '${{ secrets.HOTFIX_KUBECONFIG }}' },
      run: [
        'umask 077',
        'test -n "$HOTFIX_KUBECONFIG" || { echo "::error::the HOTFIX_KUBECONFIG secret is not set"; exit 1; }',
        'printf \'%s\\n\' "$HOTFIX_KUBECONFIG" > "$RUNNER_TEMP/kubeconfig"',
        'echo "KUBECONFIG=$RUNNER_TEMP/kubeconfig" >> "$GITHUB_ENV"',
        '',
      ].join('\n'),
    },
  ];
}

/** Notification secrets for the jobs that deploy; the tool reports a channel whose secret is empty. */
function notifyEnv(): Record<string, string> {
  return Object.fromEntries(NOTIFY_SECRETS.map((name) => [name, `\${{ secrets.${name} }}`]));
}

export function githubWorkflow(plan: PipelinePlan): string {
  const { staging, production, suite } = plan;
  const workflow = {
    name: 'Hotfix',
    on: { push: { branches: ['hotfix/**'] } },
    permissions: { contents: 'read' },
    // One pipeline per branch at a time, never cancelled half-way through a deploy; the deploy jobs
    // also share a group per target, so two hotfix branches never deploy to one target at once.
    concurrency: { group: 'hotfix-${{ github.ref }}', 'cancel-in-progress': false },
    jobs: {
      validate: {
        name: `Validate (${suite} on ${staging})`,
        'runs-on': RUNNER,
        'timeout-minutes': 30,
        permissions: { contents: 'read' },
        steps: [...setup(), { name: 'Validate', run: cli('validate', `--environment=${staging}`, `--test-suite=${suite}`, '--json') }],
      },
      staging: {
        name: `Deploy to ${staging} and verify`,
        needs: 'validate',
        'runs-on': RUNNER,
        'timeout-minutes': 45,
        permissions: { contents: 'read' },
        environment: staging,
        concurrency: { group: `hotfix-deploy-${staging}`, 'cancel-in-progress': false },
        env: notifyEnv(),
        steps: [
          ...setup(),
          { name: `Deploy to ${staging}`, run: cli('deploy', `--target=${staging}`, '--yes', '--json') },
          { name: `Smoke and verify ${staging}`, run: cli('verify', `--target=${staging}`, '--duration=2m', '--auto-rollback', '--yes') },
        ],
      },
      production: {
        name: `Deploy to ${production} and verify`,
        needs: 'staging',
        'runs-on': RUNNER,
        'timeout-minutes': 90,
        permissions: { contents: 'read' },
        // The environment's required reviewers approve before this job starts; its secrets
        // (HOTFIX_KUBECONFIG for production) are only readable by this job.
        environment: 'production',
        concurrency: { group: `hotfix-deploy-${production}`, 'cancel-in-progress': false },
        env: notifyEnv(),
        steps: [
          ...setup(),
          { name: `Back up the state of every target before the deploy`, run: `${cli('targets', '--json')} > targets-before.json` },
          {
            name: 'Keep the backup',
            if: 'always()',
            uses: ACTIONS.uploadArtifact.uses,
            with: { name: 'targets-before-${{ github.run_id }}-${{ github.run_attempt }}', path: 'targets-before.json', 'if-no-files-found': 'error', 'retention-days': 90 },
          },
          { name: `Deploy to ${production}`, run: cli('deploy', `--target=${production}`, '--yes') },
          { name: `Verify ${production}`, run: cli('verify', `--target=${production}`, '--duration=5m', '--auto-rollback', '--yes') },
        ],
      },
    },
  };
  const doc = new Document(workflow);
  doc.commentBefore = header('hotfix-deployer ci generate --provider=github-actions', [
    'Secrets: HOTFIX_KUBECONFIG (a kubeconfig; make the production one an environment secret of',
    '"production", with required reviewers), and the notification channels of .hotfix/config.yaml:',
    ` ${NOTIFY_SECRETS.join(', ')}.`,
  ]);
  const versions = new Map<string, string>(Object.values(ACTIONS).map((a) => [a.uses, a.version]));
  visit(doc, {
    Scalar(_key, node) {
      const version = isScalar(node) && typeof node.value === 'string' ? versions.get(node.value) : undefined;
      if (version !== undefined) node.comment = ` ${version}`;
    },
  });
  return doc.toString({ lineWidth: 0 });
}
