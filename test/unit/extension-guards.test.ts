// The extension's guards without VS Code: the restricted-mode gate with the trust state given (no
// extension-host run can be untrusted), the options guard of the commands, when a confirmation may be
// skipped, the machine-scoped kubeconfig setting, and what the panel accepts as its subject.

import assert from 'node:assert/strict';
import { callerConfirmation, commandArgsProblem, mustAsk } from '../../src/extension/command-args';
import type { RepoTargets } from '../../src/extension/deploy/service';
import { checkSubject } from '../../src/extension/panel/subject';
import { needsTrust, untrustedRefusal } from '../../src/extension/trust-gate';
import { COMMANDS, type CommandKey } from '../../src/shared/ids';
import { machineValue } from '../../src/shared/settings';
import type { Target } from '../../src/core/config/targets';

const keys = Object.keys(COMMANDS) as CommandKey[];

describe('extension guards: workspace trust', () => {
  // Decided, not defaulted: a new command must be put on one side or the other here.
  const CLUSTER_OR_REPO_CODE: readonly CommandKey[] = [
    'deploy', 'rollback', 'rollbackToRevision', 'promoteCanary', 'abortCanary', 'rolloutAction', 'pauseAutoSync', 'restoreAutoSync', 'prepareManifestsChange',
    'validate', 'verify', 'createHotfixFromProduction', 'setUpRepository', 'setGitlabToken',
  ];
  const RESTRICTED_MODE: readonly CommandKey[] = [
    'refresh', 'showLog', 'createHotfix', 'finishHotfix', 'continueFinish', 'abortFinish', 'openIssue', 'switchKubeContext',
    'verifyAudit', 'declareIncident', 'updateIncident', 'resolveIncident', 'draftPostmortem', 'openIncident',
    'configureNotifications', 'openPanel', 'showCanary', 'openRequest',
  ];

  it('classifies every command', () => {
    assert.deepEqual([...CLUSTER_OR_REPO_CODE, ...RESTRICTED_MODE].sort(), [...keys].sort());
    assert.deepEqual(keys.filter(needsTrust).sort(), [...CLUSTER_OR_REPO_CODE].sort());
  });

  it('refuses, in an untrusted workspace, every command that reaches the cluster or runs what the repository configures', () => {
    for (const key of CLUSTER_OR_REPO_CODE) {
      const refusal = untrustedRefusal(key, false);
      assert.match(refusal ?? '', /^This workspace is not trusted: .+ Trust it with Manage Workspace Trust\.$/, key);
    }
    assert.match(untrustedRefusal('validate', false) ?? '', /runs the commands of the repository's validation suites/);
    assert.match(untrustedRefusal('deploy', false) ?? '', /exec plugin/);
  });

  it('lets hotfix branches, incidents and the rest run untrusted, and everything run trusted', () => {
    for (const key of RESTRICTED_MODE) assert.equal(untrustedRefusal(key, false), undefined, key);
    for (const key of keys) assert.equal(untrustedRefusal(key, true), undefined, key);
  });

  it('takes the kubeconfig only from the user (or remote machine) settings, never from a workspace', () => {
    assert.equal(machineValue({ defaultValue: '', globalValue: '/home/ada/.kube/prod', workspaceValue: '/repo/evil', workspaceFolderValue: '/repo/evil' }), '/home/ada/.kube/prod');
    assert.equal(machineValue({ defaultValue: '', workspaceValue: '/repo/evil' }), '');
    assert.equal(machineValue({ workspaceFolderValue: '/repo/evil' }), undefined);
    assert.equal(machineValue(undefined), undefined);
  });
});

describe('extension guards: command options', () => {
  it('accepts tree items and well-formed options, whatever else they carry', () => {
    const targetNode = { root: '/src/shop', target: { name: 'production', protected: true }, label: 'production', id: '/src/shop#production', tooltip: { value: 'x' } };
    assert.equal(commandArgsProblem('deploy', targetNode), undefined);
    assert.equal(commandArgsProblem('createHotfixFromProduction', { root: '/src/shop', target: 'production', label: 'Running abc' }), undefined);
    assert.equal(commandArgsProblem('deploy', { target: 'staging', image: 'registry.example/checkout:1.4.1@sha256:abc', confirmed: true, gitops: 'pause' }), undefined);
    assert.equal(commandArgsProblem('verify', { target: 'web', groups: ['critical'], durationMs: 60_000, autoRollback: true }), undefined);
    const branchNode = { root: '/src/shop', branch: { name: 'hotfix/PROD-1-x', issueKey: 'PROD-1', local: true }, label: 'hotfix/PROD-1-x', contextValue: 'hotfix.branch.current' };
    assert.equal(commandArgsProblem('finishHotfix', branchNode), undefined);
    assert.equal(commandArgsProblem('finishHotfix', { branch: 'hotfix/PROD-1-x', push: false }), undefined);
    assert.equal(commandArgsProblem('createHotfix', { issue: 'PROD-2847', title: 'payment null pointer', severity: 'sev1', stash: true }), undefined);
    assert.equal(commandArgsProblem('abortFinish', { root: '/src/shop', confirm: false }), undefined);
    assert.equal(commandArgsProblem('deploy', undefined), undefined);
    assert.equal(commandArgsProblem('deploy', 'production'), undefined, 'not an options object: no options');
    // Commands without a cluster or repository code keep their own argument handling (tree nodes with other shapes).
    assert.equal(commandArgsProblem('updateIncident', { status: { kind: 'node' } }), undefined);
  });

  it('refuses options whose fields are not what the command reads', () => {
    assert.match(commandArgsProblem('deploy', { target: 'production', confirmed: 'yes' }) ?? '', /^confirmed must be true or false/);
    assert.match(commandArgsProblem('deploy', { target: 'production', image: 'checkout:1 --force' }) ?? '', /^image must be/);
    assert.match(commandArgsProblem('deploy', { target: 'production', image: '-oProxyCommand=x' }) ?? '', /^image must be/);
    assert.match(commandArgsProblem('deploy', { target: '../production' }) ?? '', /^target must be/);
    assert.match(commandArgsProblem('rollback', { target: { name: 42 } }) ?? '', /^target must be/);
    assert.match(commandArgsProblem('rollback', { target: 'staging', toRevision: -1 }) ?? '', /^toRevision must be/);
    assert.match(commandArgsProblem('deploy', { target: 'staging', gitops: 'force' }) ?? '', /^gitops must be pause or ignore/);
    assert.match(commandArgsProblem('resolveIncident', { rootCause: { toString: 'x' } }) ?? '', /^rootCause must be text/);
    assert.match(commandArgsProblem('declareIncident', { title: 'x'.repeat(501) }) ?? '', /^title must be text/);
    assert.match(commandArgsProblem('updateIncident', { reopen: 'yes' }) ?? '', /^reopen must be true or false/);
    assert.match(commandArgsProblem('validate', { root: 7 }) ?? '', /^root must be/);
    assert.match(commandArgsProblem('verify', { groups: 'critical' }) ?? '', /^groups must be/);
    assert.match(commandArgsProblem('createHotfix', { issue: 2847 }) ?? '', /^issue must be/);
    assert.match(commandArgsProblem('finishHotfix', { push: 'yes' }) ?? '', /^push must be/);
    assert.match(commandArgsProblem('finishHotfix', { branch: { name: 7 } }) ?? '', /^branch must be/);
    assert.match(commandArgsProblem('abortFinish', { confirm: 'no' }) ?? '', /^confirm must be/);
  });

  it('never lets a caller skip the typed confirmation of a protected target; only its own flow may', () => {
    assert.equal(callerConfirmation({ confirmed: true }), 'caller');
    assert.equal(callerConfirmation({ confirmed: 'true' }), undefined);
    assert.equal(callerConfirmation(undefined), undefined);
    assert.equal(mustAsk('caller', true), true, 'a protected target asks even when the caller says confirmed');
    assert.equal(mustAsk('caller', false), false, 'an ordinary target: the caller may skip the modal');
    assert.equal(mustAsk(undefined, false), true);
    assert.equal(mustAsk(undefined, true), true);
    assert.equal(mustAsk('asked', true), false, 'asked already in this flow');
  });
});

describe('extension guards: the panel subject', () => {
  const target = (name: string) => ({ name }) as Target;
  const repos: RepoTargets[] = [
    { root: '/src/shop', targets: [target('staging'), target('web')] },
    { root: '/src/pay', targets: [target('payments')] },
  ];
  let lookups = 0;
  const deps = {
    repositories: { all: repos.map((r) => ({ root: r.root })), known: (root: string) => Promise.resolve(repos.some((r) => r.root === root) ? root : undefined) },
    deploys: { targets: () => Promise.resolve((lookups++, repos)) },
  } as unknown as Parameters<typeof checkSubject>[1];

  it('keeps a repository open in the window and a target its config names', async () => {
    const checked = await checkSubject({ root: '/src/pay', target: 'payments', tab: 'canary', hidden: ['note'] }, deps, { root: '/src/shop' });
    assert.deepEqual(checked, { state: { root: '/src/pay', target: 'payments', tab: 'canary', hidden: ['note'] }, rejected: [] });
  });

  it('drops a foreign root, a target of another repository and an unknown one, keeping the rest', async () => {
    assert.deepEqual(await checkSubject({ root: '/tmp/foreign', target: 'staging', incident: 'INC-1' }, deps, { root: '/src/shop' }), {
      state: { incident: 'INC-1' },
      rejected: ['root /tmp/foreign', 'target staging'],
    });
    assert.deepEqual((await checkSubject({ target: 'payments' }, deps, { root: '/src/shop' })).rejected, ['target payments']);
    assert.deepEqual((await checkSubject({ target: 'evil' }, deps, {})).rejected, ['target evil'], 'checked against the first repository');
  });

  it('does not read the configuration again for the target already shown', async () => {
    lookups = 0;
    await checkSubject({ target: 'web', tab: 'timeline' }, deps, { root: '/src/shop', target: 'web' });
    assert.equal(lookups, 0);
  });
});
