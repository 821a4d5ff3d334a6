// The cluster incident store against the real control plane: one labelled ConfigMap per incident,
// the resourceVersion as the compare-and-swap, two processes appending at once without losing an
// event, ConfigMaps the tool did not create left alone, and the 1 MiB ConfigMap limit refused.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { CoreV1Api, KubeConfig } from '@kubernetes/client-node';
import { incidentStore } from '../../src/adapters/incident-store';
import { ConfigMapIncidentStore, EVENTS_KEY, INCIDENT_ID_ANNOTATION } from '../../src/adapters/kube/incident-configmap-store';
import { FileIncidentStore } from '../../src/adapters/store/incident-file-store';
import { parseConfig } from '../../src/core/config/parse';
import { declareIncident, resolveIncident, updateIncident } from '../../src/core/incident/engine';
import type { IncidentEvent } from '../../src/core/incident/events';
import type { IncidentContext, IncidentStore } from '../../src/core/incident/ports';
import { listIncidents, readIncident } from '../../src/core/incident/query';
import { systemClock } from '../../src/core/ports';
import { kubeCluster, KUBE_START_TIMEOUT_MS, type KubeCluster } from './fixtures/cluster';
import { runNode, type Ran } from './fixtures/process';

const WRITER_JS = path.resolve(__dirname, 'fixtures/incident-cluster-writer.js');
const REPO = path.resolve(__dirname, '../../..');

const event = (id: string, payload: object): IncidentEvent => ({ id, at: new Date().toISOString(), actor: 'Ada', ...payload }) as IncidentEvent;
const DECLARED = event('d1', { type: 'declared', title: 'Payment Gateway Down', severity: 'SEV1', impact: { level: 'high' } });

function context(store: IncidentStore, actor = 'Ada'): IncidentContext {
  return { store, audit: { append: () => Promise.resolve() }, clock: systemClock, actor, random: (n) => randomBytes(n) };
}

function writer(kubeconfig: string, namespace: string, id: string, who: string, count: number): Promise<Ran> {
  return runNode([WRITER_JS, kubeconfig, namespace, id, who, String(count)]);
}

describe('incident cluster store (labelled ConfigMaps, real control plane)', function () {
  let cluster: KubeCluster;
  let kc: KubeConfig;
  let core: CoreV1Api;

  before(async function () {
    this.timeout(KUBE_START_TIMEOUT_MS);
    cluster = await kubeCluster();
    kc = new KubeConfig();
    kc.loadFromFile(cluster.kubeconfig);
    core = kc.makeApiClient(CoreV1Api);
  });

  it('creates, reads, lists and appends one labelled ConfigMap per incident, its resourceVersion the version', async () => {
    const ns = await cluster.namespace('incidents');
    const store = new ConfigMapIncidentStore(kc, ns, { context: 'hotfix-test' });
    assert.equal(store.location, `ConfigMaps in namespace ${ns} of kube context hotfix-test`);
    assert.deepEqual(await store.list(), []);
    assert.equal(await store.read('INC-20261127-3F2A'), undefined);

    const created = await store.create('INC-20261127-3F2A', [DECLARED]);
    assert.ok(created.ok);
    assert.deepEqual(await store.create('INC-20261127-3F2A', [DECLARED]), { ok: false, conflict: 'exists' });
    // Another id that lower-cases to the same name cannot be created over it, nor read as it.
    assert.deepEqual(await store.create('inc-20261127-3f2a', [DECLARED]), { ok: false, conflict: 'exists' });
    assert.equal(await store.read('inc-20261127-3f2a'), undefined);

    const cm = await core.readNamespacedConfigMap({ name: 'hotfix-incident-inc-20261127-3f2a', namespace: ns });
    assert.equal(cm.metadata?.resourceVersion, created.version);
    assert.deepEqual(cm.metadata?.labels, {
      'app.kubernetes.io/managed-by': 'hotfix-deployer',
      'hotfix-deployer.io/kind': 'incident',
      'hotfix-deployer.io/status': 'open',
      'hotfix-deployer.io/severity': 'sev1',
    });
    assert.equal(cm.metadata?.annotations?.[INCIDENT_ID_ANNOTATION], 'INC-20261127-3F2A');
    assert.deepEqual((JSON.parse(cm.data?.[EVENTS_KEY] ?? '[]') as { id: string }[]).map((e) => e.id), ['d1']);

    const appended = await store.append('INC-20261127-3F2A', created.version, [event('n1', { type: 'note', text: 'a' })]);
    assert.ok(appended.ok);
    assert.notEqual(appended.version, created.version);
    // A stale version writes nothing, whether this client remembers the newer one or not.
    assert.deepEqual(await store.append('INC-20261127-3F2A', created.version, [event('n2', { type: 'note', text: 'stale' })]), { ok: false, conflict: 'moved' });
    const other = new ConfigMapIncidentStore(kc, ns);
    assert.deepEqual(await other.append('INC-20261127-3F2A', created.version, [event('n2', { type: 'note', text: 'stale' })]), { ok: false, conflict: 'moved' });
    // A client whose read is stale (it read before the other wrote) gets `moved` from the server's 409.
    const early = new ConfigMapIncidentStore(kc, ns);
    const seen = await early.read('INC-20261127-3F2A');
    assert.ok(await other.append('INC-20261127-3F2A', appended.version, [event('n3', { type: 'note', text: 'b' })]).then((w) => w.ok));
    assert.deepEqual(await early.append('INC-20261127-3F2A', seen?.version ?? '', [event('n4', { type: 'note', text: 'late' })]), { ok: false, conflict: 'moved' });

    assert.deepEqual(await store.append('INC-20991231-0000', '1', [event('n5', { type: 'note', text: 'x' })]), { ok: false, conflict: 'missing' });
    const read = await store.read('INC-20261127-3F2A');
    assert.deepEqual((read?.events as { id: string }[]).map((e) => e.id), ['d1', 'n1', 'n3']);
    assert.deepEqual(await store.list(), ['INC-20261127-3F2A']);
    assert.throws(() => ConfigMapIncidentStore.nameOf('INC_1'), /invalid incident id/);
  });

  it('keeps the status and severity labels current through the engine, for label selectors', async () => {
    const ns = await cluster.namespace('incident-labels');
    const ctx = context(new ConfigMapIncidentStore(kc, ns));
    const a = await declareIncident(ctx, { title: 'Payment Gateway Down', severity: 'sev1', impact: 'high' });
    const b = await declareIncident(ctx, { title: 'Search slow', severity: 'sev3', impact: 'low' });
    assert.ok(a.ok && b.ok);
    assert.ok((await updateIncident(ctx, a.value.incident.id, { status: 'identified', note: 'bad config' })).ok);
    assert.ok((await resolveIncident(ctx, b.value.incident.id, { rootCause: 'index rebuild' })).ok);
    const labelled = async (selector: string) =>
      (await core.listNamespacedConfigMap({ namespace: ns, labelSelector: selector })).items.map((cm) => cm.metadata?.annotations?.[INCIDENT_ID_ANNOTATION]);
    assert.deepEqual(await labelled('hotfix-deployer.io/status=open'), [a.value.incident.id]);
    assert.deepEqual(await labelled('hotfix-deployer.io/status=resolved,hotfix-deployer.io/severity=sev3'), [b.value.incident.id]);
    const listing = await listIncidents(ctx);
    assert.deepEqual(listing.incidents.map((i) => [i.id, i.status]).sort(), [[a.value.incident.id, 'identified'], [b.value.incident.id, 'resolved']].sort());
  });

  it('loses no event when two processes, each with its own client, append 50 notes each to one incident at once', async function () {
    this.timeout(120_000);
    assert.ok(existsSync(WRITER_JS), `${WRITER_JS} is compiled by tsc`);
    const ns = await cluster.namespace('incident-race');
    const ctx = context(new ConfigMapIncidentStore(kc, ns));
    const declared = await declareIncident(ctx, { title: 'Payment Gateway Down', severity: 'sev1', impact: 'high' });
    assert.ok(declared.ok);
    const id = declared.value.incident.id;
    const t0 = Date.now();
    const [one, two] = await Promise.all([writer(cluster.kubeconfig, ns, id, 'Ada', 50), writer(cluster.kubeconfig, ns, id, 'Bo', 50)]);
    const ms = Date.now() - t0;
    assert.equal(one.code, 0, one.err);
    assert.equal(two.code, 0, two.err);
    const retries = [one, two].map((r) => (JSON.parse(r.out) as { retries: number }).retries);
    const read = await readIncident(ctx, id);
    assert.ok(read.ok);
    const notes = read.value.incident.events.filter((e): e is Extract<IncidentEvent, { type: 'note' }> => e.type === 'note');
    assert.equal(notes.length, 100);
    for (const who of ['Ada', 'Bo']) {
      assert.deepEqual(
        notes.filter((n) => n.actor === who).map((n) => n.text),
        Array.from({ length: 50 }, (_, i) => `${who} ${i}`),
        `${who}'s notes, all and in order`,
      );
    }
    assert.equal(new Set(read.value.incident.events.map((e) => e.id)).size, read.value.incident.events.length, 'no event written twice');
    // The two really raced: their notes interleave and some writes lost the compare-and-swap.
    const runs = notes.reduce((n, note, i) => n + (i > 0 && notes[i - 1]?.actor !== note.actor ? 1 : 0), 0);
    process.stderr.write(`      [race] 100 notes in ${ms} ms; retries: Ada ${retries[0]}, Bo ${retries[1]}; writer switches in the timeline: ${runs}\n`);
    assert.ok(runs > 0, 'the writers interleaved');
  });

  it('neither lists nor touches a ConfigMap the tool did not create', async () => {
    const ns = await cluster.namespace('incident-foreign');
    const store = new ConfigMapIncidentStore(kc, ns);
    const data = { [EVENTS_KEY]: JSON.stringify([DECLARED]) };
    // Same name and data, but no managed-by label; and one with the label but of another kind.
    await core.createNamespacedConfigMap({ namespace: ns, body: { metadata: { name: 'hotfix-incident-inc-20261127-aaaa', annotations: { [INCIDENT_ID_ANNOTATION]: 'INC-20261127-AAAA' } }, data } });
    await core.createNamespacedConfigMap({
      namespace: ns,
      body: { metadata: { name: 'hotfix-incident-inc-20261127-bbbb', labels: { 'app.kubernetes.io/managed-by': 'hotfix-deployer', 'hotfix-deployer.io/kind': 'lock' }, annotations: { [INCIDENT_ID_ANNOTATION]: 'INC-20261127-BBBB' } }, data },
    });
    const before = await core.listNamespacedConfigMap({ namespace: ns });
    assert.deepEqual(await store.list(), []);
    for (const id of ['INC-20261127-AAAA', 'INC-20261127-BBBB']) {
      assert.equal(await store.read(id), undefined);
      assert.deepEqual(await store.create(id, [DECLARED]), { ok: false, conflict: 'exists' });
      for (const cm of before.items.filter((c) => c.metadata?.annotations?.[INCIDENT_ID_ANNOTATION] === id)) {
        assert.deepEqual(await store.append(id, cm.metadata?.resourceVersion ?? '', [event('n1', { type: 'note', text: 'x' })]), { ok: false, conflict: 'missing' });
      }
    }
    const after = await core.listNamespacedConfigMap({ namespace: ns });
    const versions = (l: typeof before) => l.items.map((c) => `${c.metadata?.name}@${c.metadata?.resourceVersion}`).sort();
    assert.deepEqual(versions(after), versions(before), 'nothing was written');
    assert.deepEqual((await listIncidents(context(store))).unreadable, []);
  });

  it('refuses, with what to do, a write past the 1 MiB a ConfigMap holds, and keeps what is there', async () => {
    const ns = await cluster.namespace('incident-size');
    const store = new ConfigMapIncidentStore(kc, ns);
    const created = await store.create('INC-20261127-B16B', [DECLARED]);
    assert.ok(created.ok);
    const near = await store.append('INC-20261127-B16B', created.version, [event('n1', { type: 'note', text: 'x'.repeat(1000 * 1024) })]);
    assert.ok(near.ok, 'just under the limit is written');
    await assert.rejects(
      store.append('INC-20261127-B16B', near.version, [event('n2', { type: 'note', text: 'y'.repeat(40 * 1024) })]),
      /INC-20261127-B16B's timeline would be \d+ KiB, more than the 1024 KiB a ConfigMap can hold .*nothing was written.*follow-up incident/,
    );
    const read = await store.read('INC-20261127-B16B');
    assert.equal(read?.version, near.version);
    assert.deepEqual((read?.events as { id: string }[]).map((e) => e.id), ['d1', 'n1']);
  });

  it('is what incidentStore() opens for `incidents: { store: cluster }`, through the kube bundle; the file store by default', async () => {
    const ns = await cluster.namespace('incident-config');
    const parsed = parseConfig(`incidents:\n  store: cluster\n  context: hotfix-test\n  namespace: ${ns}\n`, '.hotfix/config.yaml');
    assert.ok(parsed.ok, parsed.ok ? '' : parsed.reason);
    const missing = parseConfig('incidents:\n  store: cluster\n', '.hotfix/config.yaml');
    assert.ok(!missing.ok && /namespace/.test(missing.reason), 'store: cluster needs a namespace');
    assert.ok(!parseConfig('incidents:\n  store: etcd\n', '.hotfix/config.yaml').ok);

    const dir = mkdtempSync(path.join(tmpdir(), 'hotfix-incident-config-'));
    try {
      const location = { root: dir, gitDir: path.join(dir, '.git'), commonDir: path.join(dir, '.git') };
      const fileStore = await incidentStore({}, location);
      assert.ok(fileStore.ok && fileStore.value instanceof FileIncidentStore);
      assert.equal(fileStore.value.location, path.join(dir, '.git', 'hotfix', 'incidents'));

      const opened = await incidentStore(parsed.value, location, { kubeconfig: cluster.kubeconfig });
      assert.ok(opened.ok, opened.ok ? '' : opened.reason);
      assert.equal(opened.value.location, `ConfigMaps in namespace ${ns} of kube context hotfix-test`);
      const declared = await declareIncident(context(opened.value), { title: 'Via config', severity: 'sev2', impact: 'medium' });
      assert.ok(declared.ok);
      assert.deepEqual(await opened.value.list(), [declared.value.incident.id]);

      const wrongContext = await incidentStore({ incidents: { store: 'cluster', context: 'nope', namespace: ns } }, location, { kubeconfig: cluster.kubeconfig });
      assert.ok(!wrongContext.ok && /nope/.test(wrongContext.reason));
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
    // The shipped kube bundle carries the store (the CLI and the extension load it from there).
    const bundle = path.join(REPO, 'dist', 'kube.js');
    if (existsSync(bundle)) {
      const kube = (await import(bundle)) as { ConfigMapIncidentStore?: unknown };
      assert.equal(typeof kube.ConfigMapIncidentStore, 'function');
    }
  });
});
