import assert from 'node:assert/strict';
import fc from 'fast-check';
import semver from 'semver';
import { detectTagPrefix, issueUrl, resolveGitSettings } from '../../src/core/config/defaults';
import { resolveTarget } from '../../src/core/config/targets';
import type { GitConfigFile, GitSettings, RepoFacts } from '../../src/core/config/types';
import type { Result } from '../../src/core/result';
import { propertyRuns } from './properties';

function repo(facts: Partial<RepoFacts>): RepoFacts {
  return { localBranches: [], remoteBranches: [], tags: [], remotes: ['origin'], ...facts };
}

function settings(result: Result<GitSettings>): GitSettings {
  assert.ok(result.ok, result.ok ? '' : `${result.reason} ${result.hint ?? ''}`);
  return result.value;
}

function refusal(result: Result<GitSettings>): { reason: string; hint: string } {
  assert.equal(result.ok, false, 'expected the settings to be refused');
  return result.ok ? { reason: '', hint: '' } : { reason: result.reason, hint: result.hint ?? '' };
}

describe('team configuration: git defaults from the repository', () => {
  it('fills every default for a gitflow repository', () => {
    const facts = repo({ localBranches: ['production', 'develop', 'main'], tags: ['v1.0.0'] });
    assert.deepEqual(settings(resolveGitSettings(undefined, facts)), {
      model: 'gitflow',
      productionBranch: 'production',
      developBranch: 'develop',
      mainBranch: 'main',
      tagPrefix: 'v',
      remote: 'origin',
    });
  });

  it('picks production, else main, else master, counting branches that exist only on the remote', () => {
    assert.equal(settings(resolveGitSettings({}, repo({ localBranches: ['main'], remoteBranches: ['origin/main', 'origin/production'] }))).productionBranch, 'production');
    assert.equal(settings(resolveGitSettings({}, repo({ localBranches: ['master', 'main'] }))).productionBranch, 'main');
    assert.equal(settings(resolveGitSettings({}, repo({ remoteBranches: ['origin/master'] }))).productionBranch, 'master');
    // A branch on some other remote is not the one we push to.
    const other = repo({ localBranches: ['master'], remoteBranches: ['upstream/production'], remotes: ['origin', 'upstream'] });
    assert.equal(settings(resolveGitSettings({}, other)).productionBranch, 'master');
  });

  it('refuses to guess when there is no production, main or master branch', () => {
    const { reason, hint } = refusal(resolveGitSettings({}, repo({ localBranches: ['trunk', 'develop'] })));
    assert.equal(reason, 'No production branch: none of production, main, master exists locally or on origin.');
    assert.match(hint, /Set git\.productionBranch in \.hotfix\/config\.yaml/);
  });

  it('chooses gitflow when a develop branch exists (also remote-only), trunk otherwise', () => {
    const withDevelop = settings(resolveGitSettings({}, repo({ localBranches: ['main'], remoteBranches: ['origin/develop'] })));
    assert.equal(withDevelop.model, 'gitflow');
    assert.equal(withDevelop.developBranch, 'develop');
    const trunk = settings(resolveGitSettings({}, repo({ localBranches: ['main'] })));
    assert.equal(trunk.model, 'trunk');
    assert.equal(trunk.developBranch, undefined);
    assert.equal('developBranch' in trunk, false);
  });

  it('leaves a stale develop branch out of a configured trunk model, but keeps one the team named', () => {
    const facts = repo({ localBranches: ['main', 'develop', 'next'] });
    assert.equal(settings(resolveGitSettings({ model: 'trunk' }, facts)).developBranch, undefined);
    assert.equal(settings(resolveGitSettings({ model: 'trunk', developBranch: 'next' }, facts)).developBranch, 'next');
  });

  it('refuses gitflow without a develop branch, saying how to get out', () => {
    const { reason, hint } = refusal(resolveGitSettings({ model: 'gitflow' }, repo({ localBranches: ['main'] })));
    assert.equal(reason, 'git.model is gitflow, but there is no develop branch locally or on origin.');
    assert.match(hint, /git branch develop main && git push origin develop/);
    assert.match(hint, /git\.developBranch/);
    assert.match(hint, /git\.model: trunk/);
    const remoteOnly = refusal(resolveGitSettings({ model: 'gitflow' }, repo({ remoteBranches: ['origin/main'] })));
    assert.match(remoteOnly.hint, /git branch develop origin\/main && git push origin develop/);
  });

  it('refuses gitflow whose develop and production branches are the same', () => {
    const { reason } = refusal(resolveGitSettings({ model: 'gitflow', productionBranch: 'main', developBranch: 'main' }, repo({ localBranches: ['main'] })));
    assert.match(reason, /git\.developBranch and git\.productionBranch are both "main"/);
  });

  it('picks main, else master, else the production branch as the main branch', () => {
    assert.equal(settings(resolveGitSettings({}, repo({ localBranches: ['production', 'master', 'main'] }))).mainBranch, 'main');
    assert.equal(settings(resolveGitSettings({}, repo({ localBranches: ['production'], remoteBranches: ['origin/master'] }))).mainBranch, 'master');
    assert.equal(settings(resolveGitSettings({}, repo({ localBranches: ['production'] }))).mainBranch, 'production');
  });

  it('refuses a configured branch that exists neither locally nor on the remote, naming key and branch', () => {
    const facts = repo({ localBranches: ['main', 'develop'], remoteBranches: ['origin/release'] });
    for (const key of ['productionBranch', 'developBranch', 'mainBranch'] as const) {
      const { reason, hint } = refusal(resolveGitSettings({ [key]: 'prod' }, facts));
      assert.equal(reason, `git.${key}: branch "prod" does not exist locally or on origin.`);
      assert.match(hint, new RegExp(`git fetch origin\\), or change git\\.${key} in \\.hotfix/config\\.yaml`));
    }
    assert.equal(settings(resolveGitSettings({ productionBranch: 'release' }, facts)).productionBranch, 'release');
    const local = refusal(resolveGitSettings({ productionBranch: 'prod' }, repo({ localBranches: ['main'], remotes: [] })));
    assert.equal(local.reason, 'git.productionBranch: branch "prod" does not exist locally.');
  });

  it('takes origin, else the first remote, else none; refuses a configured remote that is missing', () => {
    const branches = { localBranches: ['main'] };
    assert.equal(settings(resolveGitSettings({}, repo({ ...branches, remotes: ['upstream', 'origin'] }))).remote, 'origin');
    assert.equal(settings(resolveGitSettings({}, repo({ ...branches, remotes: ['upstream', 'fork'] }))).remote, 'upstream');
    const none = settings(resolveGitSettings({}, repo({ ...branches, remotes: [] })));
    assert.equal('remote' in none, false);
    assert.equal(settings(resolveGitSettings({ remote: 'fork' }, repo({ ...branches, remotes: ['origin', 'fork'] }))).remote, 'fork');
    const { reason, hint } = refusal(resolveGitSettings({ remote: 'upstream' }, repo(branches)));
    assert.equal(reason, 'git.remote: there is no remote named "upstream" (remotes: origin).');
    assert.match(hint, /git remote add upstream <url>/);
  });

  it('keeps configured values, including an empty tag prefix', () => {
    const facts = repo({ localBranches: ['stable', 'integration', 'trunk'], tags: ['v1.0.0', 'v1.1.0'] });
    const file: GitConfigFile = { model: 'gitflow', productionBranch: 'stable', developBranch: 'integration', mainBranch: 'trunk', tagPrefix: '', remote: 'origin' };
    assert.deepEqual(settings(resolveGitSettings(file, facts)), file);
  });
});

describe('team configuration: release tag prefix', () => {
  it('follows the form most release tags use, ignoring pre-releases and other tags', () => {
    assert.equal(detectTagPrefix(['v1.2.3', '1.0.0', '1.1.0', 'v2.0.0-rc.1', 'v2.0.0-rc.2', 'latest']), '');
    assert.equal(detectTagPrefix(['v1.2.3', 'v1.2.4', '1.0.0', '1.1.0-beta.1', 'latest']), 'v');
    assert.equal(settings(resolveGitSettings({}, repo({ localBranches: ['main'], tags: ['1.0.0', '1.0.1', 'v2.0.0-rc.1', 'latest'] }))).tagPrefix, '');
  });

  it('counts as semver does: a release is valid and no pre-release, build metadata allowed', () => {
    const release = (v: string) => /^\d/.test(v) && semver.valid(v) !== null && semver.prerelease(v) === null;
    const reference = (tags: readonly string[]) => {
      const prefixed = tags.filter((t) => t.startsWith('v') && release(t.slice(1))).length;
      const bare = tags.filter((t) => release(t)).length;
      return bare > prefixed ? '' : 'v';
    };
    const part = fc.constantFrom('0', '1', '12', '01', 'x');
    const tail = fc.constantFrom('', '-rc.1', '+build', '+build-5', '-beta+exp.sha', '-', '+', ' ', '.1');
    const tag = fc.tuple(fc.constantFrom('', 'v', 'vv', '='), part, part, part, tail).map(([p, a, b, c, t]) => `${p}${a}.${b}.${c}${t}`);
    fc.assert(
      fc.property(fc.array(tag, { maxLength: 12 }), (tags) => {
        assert.equal(detectTagPrefix(tags), reference(tags), tags.join(' '));
      }),
      propertyRuns(2000),
    );
  });

  it('says v on a tie, with no tags, or with no release tags', () => {
    assert.equal(detectTagPrefix(['v1.2.3', '1.0.0', 'v2.0.0-rc.1', 'latest']), 'v');
    assert.equal(detectTagPrefix([]), 'v');
    assert.equal(detectTagPrefix(['latest', 'stable', '1.0', 'v1', '=1.2.3', 'vv1.2.3', 'V1.2.3']), 'v');
  });
});

describe('team configuration: issue links', () => {
  it('puts the encoded issue key where the template says', () => {
    assert.equal(issueUrl('https://tracker.example/browse/{issue}', 'PROD-2847'), 'https://tracker.example/browse/PROD-2847');
    assert.equal(issueUrl('https://tracker.example/search?q={issue}&key={issue}', 'a b/&c#1'), 'https://tracker.example/search?q=a%20b%2F%26c%231&key=a%20b%2F%26c%231');
    assert.equal(issueUrl(undefined, 'PROD-2847'), undefined);
  });
});

describe('team configuration: workload kinds and Helm releases of a target', () => {
  it('defaults to a Deployment without Helm; a Helm image value ending in .tag takes the tag only', () => {
    const plain = resolveTarget({ targets: { web: { namespace: 'shop', app: 'web' } } }, 'web');
    assert.ok(plain.ok);
    assert.equal(plain.value.kind, 'Deployment');
    assert.equal(plain.value.helm, undefined);
    const helm = resolveTarget({ targets: { web: { namespace: 'shop', app: 'web', helm: { imageValue: 'image.tag', chart: './charts/web' } } } }, 'web');
    assert.ok(helm.ok);
    assert.deepEqual(helm.value.helm, { imageFormat: 'tag', imageValue: 'image.tag', chart: './charts/web' });
    const whole = resolveTarget({ targets: { web: { namespace: 'shop', app: 'web', helm: { imageValue: 'app.image' } } } }, 'web');
    assert.ok(whole.ok);
    assert.equal(whole.value.helm?.imageFormat, 'reference');
  });

  it('refuses blue-green or canary on a StatefulSet, a DaemonSet or a Helm release, saying what to change', () => {
    const sts = resolveTarget({ targets: { db: { namespace: 'shop', app: 'db', kind: 'StatefulSet', strategy: 'canary' } } }, 'db');
    assert.ok(!sts.ok);
    assert.equal(sts.reason, 'targets.db: a StatefulSet rolls out in place; strategy canary needs Deployments.');
    const helm = resolveTarget({ targets: { web: { namespace: 'shop', app: 'web', strategy: 'blue-green', helm: {} } } }, 'web');
    assert.ok(!helm.ok);
    assert.match(helm.reason, /Helm release is upgraded and rolled back by Helm; strategy blue-green would be undone by its next upgrade/);
    assert.match(helm.hint ?? '', /Remove targets\.web\.strategy/);
  });
});
