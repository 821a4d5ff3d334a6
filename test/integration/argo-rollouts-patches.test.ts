// Issue #18 (Argo Rollouts): what the product writes to a Rollout is what `kubectl argo rollouts` writes, read
// from the plugin's own Go source at the pinned release (pkg/kubectl-argo-rollouts/cmd/<verb>/<verb>.go, copied
// by test/kube/build-argo-rollouts.sh to plugin-source/). The patch constants are parsed as JSON (%d filled with
// a step number, %s with a time formatted as Go's time.RFC3339) and compared with the pure functions of
// src/core/rollouts/patches.ts, case by case along promote.go's getPatches branches; the status-subresource
// argument of the plugin's calls is compared with ours.

import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import { rolloutView, type RolloutReplicaSet } from '../../src/core/rollouts/model';
import { abortWrites, pauseWrites, promoteWrites, restartWrites, resumeWrites, retryWrites, undoPatch, withImage, type VerbWrites } from '../../src/core/rollouts/patches';
import type { KubeObject, RolloutPatch } from '../../src/core/rollouts/ports';
import { rolloutsModule } from './fixtures/argo-rollouts';

const VERBS = ['promote', 'abort', 'retry', 'pause', 'restart', 'undo', 'set'] as const;
type Verb = (typeof VERBS)[number];

/** The Go sources of one verb, concatenated (set: set.go and set_image.go). */
type Sources = Record<Verb, string>;

function readSources(dir: string): Sources {
  const missing = VERBS.filter((v) => !existsSync(path.join(dir, v)));
  if (missing.length > 0 || !existsSync(path.join(dir, 'promote', 'promote.go'))) {
    throw new Error(`the kubectl-argo-rollouts plugin's source is not in ${dir} (missing: ${missing.join(', ') || 'promote/promote.go'}): run bash test/kube/build-argo-rollouts.sh`);
  }
  const read = (verb: Verb) =>
    readdirSync(path.join(dir, verb))
      .filter((f) => f.endsWith('.go') && !f.endsWith('_test.go'))
      .sort()
      .map((f) => readFileSync(path.join(dir, verb, f), 'utf8'))
      .join('\n');
  return Object.fromEntries(VERBS.map((v) => [v, read(v)])) as Sources;
}

/** Every raw-string constant of a Go file: `name = \`...\``. */
function rawConstants(go: string): Map<string, string> {
  const found = new Map<string, string>();
  for (const m of go.matchAll(/(\w+)\s*=\s*`([^`]*)`/g)) found.set(m[1] ?? '', m[2] ?? '');
  return found;
}

/** A constant as JSON; %d filled with `step`, %s with `text`. */
function constant(consts: Map<string, string>, name: string, fill: { step?: number; text?: string } = {}): unknown {
  const raw = consts.get(name);
  assert.ok(raw !== undefined, `the plugin's source has no constant ${name}`);
  let text = raw;
  if (text.includes('%d')) {
    assert.ok(fill.step !== undefined, `${name} takes a step number`);
    text = text.replace('%d', String(fill.step));
  }
  if (text.includes('%s')) {
    assert.ok(fill.text !== undefined, `${name} takes a string`);
    text = text.replace('%s', fill.text);
  }
  return JSON.parse(text) as unknown;
}

/** The constants getPatches assigns to a variable (`statusPatch = []byte(fmt.Sprintf(x, ...))` or `[]byte(x)`). */
function assigned(go: string, variable: 'specPatch' | 'statusPatch' | 'unifiedPatch'): Set<string> {
  const body = go.slice(go.indexOf('func getPatches('));
  const names = new Set<string>();
  for (const m of body.matchAll(new RegExp(`${variable} = \\[\\]byte\\((?:fmt\\.Sprintf\\()?(\\w+)`, 'g'))) names.add(m[1] ?? '');
  return names;
}

const merge = (body: unknown, subresource?: 'status'): RolloutPatch => ({ type: 'merge', body, ...(subresource ? { subresource } : {}) });

/** A Rollout as the API returns it: canary steps setWeight 20, pause {}, analysis, setWeight 60 unless given. */
function rollout(spec: Record<string, unknown>, status: Record<string, unknown>): KubeObject {
  return {
    apiVersion: 'argoproj.io/v1alpha1',
    kind: 'Rollout',
    metadata: { name: 'web', namespace: 'shop', uid: 'u-1', generation: 3 },
    spec: {
      replicas: 2,
      selector: { matchLabels: { app: 'web' } },
      template: { metadata: { labels: { app: 'web' } }, spec: { containers: [{ name: 'app', image: 'web:1.1' }] } },
      strategy: { canary: { steps: [{ setWeight: 20 }, { pause: {} }, { analysis: { templates: [{ templateName: 'error-rate' }] } }, { setWeight: 60 }] } },
      ...spec,
    },
    status: { observedGeneration: '3', stableRS: 'aaa', currentPodHash: 'bbb', ...status },
  };
}
const blueGreen = { strategy: { blueGreen: { activeService: 'web', previewService: 'web-preview' } } };

describe("Argo Rollouts: the patches match the plugin's source at v1.10.1 (kubectl-argo-rollouts cmd/*.go)", () => {
  let go: Sources;
  let consts: Map<string, string>;
  before(async () => {
    const rollouts = await rolloutsModule();
    assert.equal(rollouts.ROLLOUTS_VERSION, '1.10.1', 'test/kube/argo-rollouts/go.mod pins another release: read its plugin source again');
    go = readSources(rollouts.pluginSourceDir());
    consts = new Map([...rawConstants(go.promote), ...rawConstants(go.abort), ...rawConstants(go.retry), ...rawConstants(go.restart)]);
  });

  it("promote: getPatches's branches, one case each, give the plugin's spec, status and unified patches", () => {
    // The branches themselves: which constant each variable gets (a new release that changes them fails here).
    assert.deepEqual([...assigned(go.promote, 'specPatch')].sort(), ['unpausePatch']);
    assert.deepEqual([...assigned(go.promote, 'statusPatch')].sort(), ['clearPauseConditionsAndControllerPausePatch', 'clearPauseConditionsPatch', 'clearPauseConditionsPatchWithStep', 'promoteFullPatch', 'setCurrentStepIndex']);
    assert.deepEqual([...assigned(go.promote, 'unifiedPatch')].sort(), ['unpauseAndClearPauseConditionsPatch', 'unpauseAndClearPauseConditionsPatchWithStep', 'unpauseAndPromoteFullPatch']);
    const c = (name: string, step?: number) => constant(consts, name, step !== undefined ? { step } : {});
    const expect = (spec: string | undefined, status: [string, number?] | undefined, unified: [string, number?]): VerbWrites => ({
      ...(spec ? { spec: merge(c(spec)) } : {}),
      ...(status ? { status: merge(c(status[0], status[1]), 'status') } : {}),
      unified: merge(c(unified[0], unified[1])),
    });
    const cases: [string, KubeObject, boolean, VerbWrites][] = [
      ['paused at a pause step (CanaryPauseStep)', rollout({}, { currentStepIndex: 1, pauseConditions: [{ reason: 'CanaryPauseStep', startTime: '2024-05-01T12:00:00Z' }], controllerPause: true }), false,
        expect(undefined, ['clearPauseConditionsPatch'], ['unpauseAndClearPauseConditionsPatch'])],
      ['paused by hand as well (spec.paused)', rollout({ paused: true }, { currentStepIndex: 1, pauseConditions: [{ reason: 'CanaryPauseStep' }], controllerPause: true }), false,
        expect('unpausePatch', ['clearPauseConditionsPatch'], ['unpauseAndClearPauseConditionsPatch'])],
      ['paused by hand only (spec.paused, no pause conditions): unpause, and the step advances as well', rollout({ paused: true }, { currentStepIndex: 2 }), false,
        expect('unpausePatch', ['clearPauseConditionsPatchWithStep', 3], ['unpauseAndClearPauseConditionsPatchWithStep', 3])],
      ['running an analysis step (no pause conditions): the step advances', rollout({}, { currentStepIndex: 2 }), false,
        expect(undefined, ['clearPauseConditionsPatchWithStep', 3], ['unpauseAndClearPauseConditionsPatchWithStep', 3])],
      ['no currentStepIndex yet: GetCurrentCanaryStep reads 0, so step 1', rollout({}, {}), false,
        expect(undefined, ['clearPauseConditionsPatchWithStep', 1], ['unpauseAndClearPauseConditionsPatchWithStep', 1])],
      ['past the last step: the index stays at len(steps)', rollout({}, { currentStepIndex: 4 }), false,
        expect(undefined, ['clearPauseConditionsPatchWithStep', 4], ['unpauseAndClearPauseConditionsPatchWithStep', 4])],
      ['an inconclusive step analysis the controller paused on: clear, unpause the controller, next step',
        rollout({}, { currentStepIndex: 2, pauseConditions: [{ reason: 'InconclusiveAnalysisRun' }], controllerPause: true, canary: { currentStepAnalysisRunStatus: { name: 'web-bbb-3-2', status: 'Inconclusive' } } }), false,
        expect(undefined, ['clearPauseConditionsAndControllerPausePatch', 3], ['unpauseAndClearPauseConditionsPatch'])],
      ['a canary without steps, nothing pausing it: no status patch', rollout({ strategy: { canary: {} } }, {}), false, expect(undefined, undefined, ['unpauseAndClearPauseConditionsPatch'])],
      ['blue-green paused before promotion (BlueGreenPause)', rollout(blueGreen, { pauseConditions: [{ reason: 'BlueGreenPause' }], controllerPause: true }), false,
        expect(undefined, ['clearPauseConditionsPatch'], ['unpauseAndClearPauseConditionsPatch'])],
      ['blue-green with nothing pausing it: no status patch', rollout(blueGreen, {}), false, expect(undefined, undefined, ['unpauseAndClearPauseConditionsPatch'])],
      ['--full on a canary in progress', rollout({}, { currentStepIndex: 1, pauseConditions: [{ reason: 'CanaryPauseStep' }] }), true,
        expect(undefined, ['promoteFullPatch'], ['unpauseAndPromoteFullPatch'])],
      ['--full on a paused Rollout', rollout({ paused: true }, { currentStepIndex: 1 }), true, expect('unpausePatch', ['promoteFullPatch'], ['unpauseAndPromoteFullPatch'])],
      ['--full when the desired revision is already stable: no status patch', rollout({ paused: true }, { currentPodHash: 'aaa' }), true, expect('unpausePatch', undefined, ['unpauseAndPromoteFullPatch'])],
    ];
    for (const [what, raw, full, expected] of cases) {
      assert.deepEqual(promoteWrites(rolloutView(raw), full), expected, what);
    }
  });

  it('promote sends the status patch to the status subresource, the spec patch to the Rollout, both merge patches', () => {
    assert.match(go.promote, /rolloutIf\.Patch\(ctx, name, types\.MergePatchType, statusPatch, metav1\.PatchOptions\{\}, "status"\)/);
    assert.match(go.promote, /rolloutIf\.Patch\(ctx, name, types\.MergePatchType, specPatch, metav1\.PatchOptions\{\}\)/);
    assert.match(go.promote, /specPatch = unifiedPatch/, 'the unified patch replaces the spec patch when the status subresource 404s');
    const writes = promoteWrites(rolloutView(rollout({ paused: true }, { currentStepIndex: 1, pauseConditions: [{ reason: 'CanaryPauseStep' }] })), false);
    assert.equal(writes.status?.subresource, 'status');
    assert.equal(writes.spec?.subresource, undefined);
    assert.equal(writes.unified?.subresource, undefined);
  });

  it('abort and retry: their constants, to the status subresource, then to the Rollout itself when it 404s', () => {
    for (const [verb, name, writes] of [['abort', 'abortPatch', abortWrites()], ['retry', 'retryRolloutPatch', retryWrites()]] as const) {
      const source = go[verb];
      assert.match(source, new RegExp(`rolloutIf\\.Patch\\(ctx, name, types\\.MergePatchType, \\[\\]byte\\(${name}\\), metav1\\.PatchOptions\\{\\}, "status"\\)`), `${verb}.go patches the status subresource`);
      assert.match(source, new RegExp(`k8serrors\\.IsNotFound\\(err\\)[\\s\\S]*rolloutIf\\.Patch\\(ctx, name, types\\.MergePatchType, \\[\\]byte\\(${name}\\), metav1\\.PatchOptions\\{\\}\\)`), `${verb}.go falls back to the Rollout on NotFound`);
      const body = constant(consts, name);
      assert.deepEqual(writes, { status: merge(body, 'status'), unified: merge(body) }, verb);
    }
    assert.deepEqual(constant(consts, 'abortPatch'), { status: { abort: true } });
    assert.deepEqual(constant(consts, 'retryRolloutPatch'), { status: { abort: false } });
  });

  it("pause: pause.go's literal, a merge patch of the Rollout (no subresource); resume: promote's unpausePatch alone", () => {
    const m = /rolloutIf\.Patch\(context\.TODO\(\), name, types\.MergePatchType, \[\]byte\(`([^`]*)`\), metav1\.PatchOptions\{\}\)/.exec(go.pause);
    assert.ok(m, 'pause.go patches the Rollout with a literal merge patch');
    assert.deepEqual(pauseWrites(), { spec: merge(JSON.parse(m[1] ?? '') as unknown) });
    assert.deepEqual(resumeWrites(), { spec: merge(constant(consts, 'unpausePatch')) });
  });

  it('restart: restartPatch with restartAt formatted as time.RFC3339 in UTC (seconds, Z), a merge patch of the Rollout', () => {
    assert.match(go.restart, /restartAt := o\.Now\(\)\.UTC\(\)/);
    assert.match(go.restart, /fmt\.Sprintf\(restartPatch, restartAt\.Format\(time\.RFC3339\)\)/);
    assert.match(go.restart, /rolloutIf\.Patch\(ctx, name, types\.MergePatchType, \[\]byte\(patch\), metav1\.PatchOptions\{\}\)/);
    // Go's RFC3339 of a UTC time: no fractional seconds, "Z".
    for (const [at, formatted] of [['2024-05-01T12:34:56.789Z', '2024-05-01T12:34:56Z'], ['2025-12-31T23:59:59.999Z', '2025-12-31T23:59:59Z'], ['2024-02-29T00:00:00.000Z', '2024-02-29T00:00:00Z']] as const) {
      assert.deepEqual(restartWrites(new Date(at)), { spec: merge(constant(consts, 'restartPatch', { text: formatted })) }, at);
    }
  });

  it("undo: one JSON patch replacing /spec/template with the revision's template, its pod-template-hash label removed", () => {
    assert.match(go.undo, /delete\(rsForRevision\.Spec\.Template\.Labels, v1alpha1\.DefaultRolloutUniqueLabelKey\)/);
    const fn = go.undo.slice(go.undo.indexOf('func getRolloutPatch('));
    const op = /"op":\s*"(\w+)"/.exec(fn)?.[1];
    const at = /"path":\s*"([^"]+)"/.exec(fn)?.[1];
    assert.match(fn, /"value":\s*podTemplate/);
    assert.match(fn, /return types\.JSONPatchType, patch, err/);
    assert.deepEqual([op, at], ['replace', '/spec/template']);
    const template = {
      metadata: { labels: { app: 'web', 'rollouts-pod-template-hash': '6f7c9d', tier: 'front' }, annotations: { note: 'kept' } },
      spec: { containers: [{ name: 'app', image: 'web:1.0', env: [{ name: 'A', value: '1' }] }] },
    };
    const rs: RolloutReplicaSet = { name: 'web-6f7c9d', hash: '6f7c9d', revision: 1, images: ['web:1.0'], replicas: 0, ready: 0, available: 0, template };
    const patch = undoPatch(rs);
    assert.deepEqual(patch, {
      type: 'json',
      body: [{ op, path: at, value: { metadata: { labels: { app: 'web', tier: 'front' }, annotations: { note: 'kept' } }, spec: template.spec } }],
    });
    assert.equal(patch.subresource, undefined);
    assert.equal(template.metadata.labels['rollouts-pod-template-hash'], '6f7c9d', "the ReplicaSet's own template is not changed");
  });

  it('set image: the same containers changed (init, regular, ephemeral; * for all), everything else kept for the PUT', () => {
    assert.match(go.set, /for _, field := range \[\]string\{"initContainers", "containers", "ephemeralContainers"\}/);
    assert.match(go.set, /name == container \|\| container == "\*"/);
    assert.match(go.set, /return rolloutIf\.Update\(ctx, newRo, metav1\.UpdateOptions\{\}\)/, 'a PUT of the Rollout');
    assert.match(go.set, /return deployIf\.Update\(ctx, newDeploy, metav1\.UpdateOptions\{\}\)/, "a PUT of the workloadRef's Deployment");
    const object: KubeObject = {
      apiVersion: 'argoproj.io/v1alpha1',
      kind: 'Rollout',
      metadata: { name: 'web', namespace: 'shop', resourceVersion: '4711', uid: 'u-1', annotations: { 'rollout.argoproj.io/revision': '3' } },
      spec: {
        replicas: 2,
        template: {
          metadata: { labels: { app: 'web' } },
          spec: {
            initContainers: [{ name: 'migrate', image: 'migrate:1.0' }],
            containers: [{ name: 'app', image: 'web:1.0', ports: [{ containerPort: 8080 }] }, { name: 'sidecar', image: 'proxy:2' }],
            ephemeralContainers: [{ name: 'app', image: 'debug:1' }],
          },
        },
      },
      status: { phase: 'Healthy', stableRS: 'aaa' },
    };
    const before = structuredClone(object);
    const changed = withImage(object, 'app', 'web:1.1');
    const expected = structuredClone(object) as { spec: { template: { spec: { containers: { image: string }[]; ephemeralContainers: { image: string }[]; initContainers: { image: string }[] } } } };
    expected.spec.template.spec.containers[0]!.image = 'web:1.1';
    expected.spec.template.spec.ephemeralContainers[0]!.image = 'web:1.1'; // the plugin matches names in every list
    assert.deepEqual(changed, expected, 'resourceVersion, status and the other containers kept; the named ones changed');
    assert.deepEqual(object, before, 'the object read is not changed');
    const all = withImage(object, '*', 'web:2') as { spec: { template: { spec: Record<string, { image: string }[]> } } };
    assert.deepEqual(Object.values(all.spec.template.spec).flat().map((c) => c.image), ['web:2', 'web:2', 'web:2', 'web:2']);
    const format = /fmt\.Errorf\("(unable to find container named \\"%s\\")", container\)/.exec(go.set)?.[1];
    assert.ok(format, "set_image.go's error for a missing container");
    assert.equal(withImage(object, 'nope', 'web:1.1'), format.replace(/\\"/g, '"').replace('%s', 'nope'));
  });
});
