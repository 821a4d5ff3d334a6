// The GitLab CI pipeline for hotfix branches, with the same stages as the GitHub workflow:
// validate, staging (deploy and verify), production (manual, in the production environment).

import { Document } from 'yaml';
import type { PipelinePlan } from './plan';
import { NOTIFY_SECRETS, cli, header } from './steps';

/** An exact Node release on Debian (git included, which the CLI needs), not a moving tag. */
const IMAGE = 'node:20.19.0-bookworm';

export function gitlabPipeline(plan: PipelinePlan): string {
  const { staging, production, suite } = plan;
  const hotfixBranches = { if: '$CI_COMMIT_BRANCH =~ /^hotfix\\//' };
  const pipeline = {
    workflow: { rules: [hotfixBranches] },
    stages: ['validate', 'staging', 'production'],
    default: {
      image: IMAGE,
      // KUBECONFIG is a CI/CD variable of type File: GitLab writes it to a file readable by the job only.
      before_script: [
        'test -f "$KUBECONFIG" || { echo "the KUBECONFIG file variable is not set"; exit 1; }',
        // As actions/checkout with fetch-depth 0: every branch (the production branch is the
        // baseline) and tags, and the hotfix branch checked out rather than a detached HEAD.
        "git fetch --quiet --tags origin '+refs/heads/*:refs/remotes/origin/*'",
        'git checkout --quiet -B "$CI_COMMIT_BRANCH" "$CI_COMMIT_SHA"',
        'npm ci',
      ],
      cache: { key: { files: ['package-lock.json'] }, paths: ['.npm/'] },
      interruptible: false,
    },
    variables: {
      // Full history: release versions and baselines come from it.
      GIT_DEPTH: '0',
      npm_config_cache: '$CI_PROJECT_DIR/.npm',
    },
    validate: {
      stage: 'validate',
      timeout: '30m',
      script: [cli('validate', `--environment=${staging}`, `--test-suite=${suite}`, '--json')],
    },
    [`deploy-${staging}`]: {
      stage: 'staging',
      timeout: '45m',
      environment: { name: staging },
      // One deploy per target at a time, across every hotfix branch.
      resource_group: `hotfix-deploy-${staging}`,
      script: [cli('deploy', `--target=${staging}`, '--yes', '--json'), cli('verify', `--target=${staging}`, '--duration=2m', '--auto-rollback', '--yes')],
    },
    [`deploy-${production}`]: {
      stage: 'production',
      timeout: '90m',
      when: 'manual',
      // A blocking manual job: the pipeline waits for a person; protect the environment to pick who.
      allow_failure: false,
      environment: { name: production, deployment_tier: 'production' },
      resource_group: `hotfix-deploy-${production}`,
      script: [
        `${cli('targets', '--json')} > targets-before.json`,
        cli('deploy', `--target=${production}`, '--yes'),
        cli('verify', `--target=${production}`, '--duration=5m', '--auto-rollback', '--yes'),
      ],
      artifacts: { when: 'always', paths: ['targets-before.json'], expire_in: '90 days' },
    },
  };
  const doc = new Document(pipeline);
  doc.commentBefore = header('hotfix-deployer ci generate --provider=gitlab', [
    'CI/CD variables: KUBECONFIG (type File; scope the production one to the production environment,',
    `and protect it), and the notification channels of .hotfix/config.yaml: ${NOTIFY_SECRETS.join(', ')}`,
    '(masked; GitLab passes them to every job as environment variables).',
  ]);
  return doc.toString({ lineWidth: 0 });
}
