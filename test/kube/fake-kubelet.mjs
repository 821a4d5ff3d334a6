// @ts-check
// The kubelet stand-in for the test cluster (no container runs): registers a Node, heartbeats its status and
// Lease, marks the pods scheduled to it Running and Ready, and confirms their deletion. A container image whose
// tag contains `broken` stays in ImagePullBackOff and never Ready, so a failed rollout can be made on purpose.
//
//   node test/kube/fake-kubelet.mjs [KUBECONFIG] [NODE_NAME]      (default: $KUBECONFIG, `hotfix-test-node`)
//
// Pods that exist before it starts are handled (list, then watch from the list's resourceVersion); the watch
// restarts after any error or server-side close, and a periodic resync repairs anything a lost event left behind.
import * as k8s from '@kubernetes/client-node';

const kubeconfigPath = process.argv[2] || process.env.KUBECONFIG;
const NODE = process.argv[3] || process.env.NODE_NAME || 'hotfix-test-node';
const HEARTBEAT_MS = 5000;
const RESYNC_MS = 5000;

const kc = new k8s.KubeConfig();
if (kubeconfigPath) kc.loadFromFile(kubeconfigPath);
else kc.loadFromDefault();
const core = kc.makeApiClient(k8s.CoreV1Api);
const coord = kc.makeApiClient(k8s.CoordinationV1Api);

const log = (/** @type {unknown[]} */ ...args) => console.log(new Date().toISOString(), ...args);
const sleep = (/** @type {number} */ ms) => new Promise((resolve) => setTimeout(resolve, ms));
/** @param {unknown} e */
const code = (e) => /** @type {{ code?: number }} */ (e)?.code;
/** @param {unknown} e */
const describe = (e) => (code(e) ? `HTTP ${code(e)}` : /** @type {Error} */ (e)?.message ?? String(e));

const capacity = { cpu: '64', memory: '256Gi', pods: '1000', 'ephemeral-storage': '100Gi' };

/** @param {boolean} ready */
function nodeConditions(ready) {
  const t = new Date();
  return ['Ready', 'MemoryPressure', 'DiskPressure', 'PIDPressure'].map((type) => ({
    type,
    status: type === 'Ready' ? (ready ? 'True' : 'False') : 'False',
    reason: type === 'Ready' ? 'KubeletReady' : `KubeletHasNo${type}`,
    message: 'fake kubelet',
    lastHeartbeatTime: t,
    lastTransitionTime: t,
  }));
}

async function registerNode() {
  const body = {
    metadata: { name: NODE, labels: { 'kubernetes.io/hostname': NODE, 'kubernetes.io/os': 'linux', 'kubernetes.io/arch': 'amd64', type: 'fake' } },
    status: { capacity, allocatable: capacity },
  };
  try {
    await core.createNode({ body });
  } catch (e) {
    if (code(e) !== 409) throw e;
  }
}

async function heartbeatNode() {
  const node = await core.readNodeStatus({ name: NODE });
  node.status = {
    ...node.status,
    capacity,
    allocatable: capacity,
    conditions: nodeConditions(true),
    addresses: [{ type: 'InternalIP', address: '127.0.0.1' }, { type: 'Hostname', address: NODE }],
    nodeInfo: {
      kubeletVersion: 'v1.37.2-fake', containerRuntimeVersion: 'fake://1', architecture: 'amd64', operatingSystem: 'linux',
      bootID: '', kernelVersion: '', kubeProxyVersion: '', machineID: '', osImage: 'fake', systemUUID: '',
    },
  };
  await core.replaceNodeStatus({ name: NODE, body: node });
}

async function heartbeatLease() {
  const namespace = 'kube-node-lease';
  const spec = { holderIdentity: NODE, leaseDurationSeconds: 40, renewTime: new k8s.V1MicroTime() };
  try {
    const lease = await coord.readNamespacedLease({ name: NODE, namespace });
    await coord.replaceNamespacedLease({ name: NODE, namespace, body: { ...lease, spec: { ...lease.spec, ...spec } } });
  } catch (e) {
    if (code(e) !== 404) throw e;
    await coord.createNamespacedLease({ namespace, body: { metadata: { name: NODE, namespace }, spec } });
  }
}

async function heartbeat() {
  const results = await Promise.allSettled([heartbeatNode(), heartbeatLease()]);
  for (const r of results) if (r.status === 'rejected' && code(r.reason) !== 409) log('heartbeat:', describe(r.reason));
}

// Fake pod IPs (nothing listens on them): 10.<from the node name>.x.y, so that two fake nodes never share one.
const nodeOctet = 100 + ([...NODE].reduce((h, ch) => (h * 31 + ch.charCodeAt(0)) >>> 0, 7) % 150);
let ipSeq = 0;
const nextIp = () => {
  ipSeq++;
  return `10.${nodeOctet}.${Math.floor(ipSeq / 250) % 250}.${(ipSeq % 250) + 2}`;
};
/** @param {string} image */
const isBroken = (image) => /broken/.test(image.split('@')[0]?.split('/').pop()?.split(':')[1] ?? '');

/** @param {any} pod */
async function reconcile(pod) {
  const { name, namespace } = pod.metadata;
  if (pod.metadata.deletionTimestamp) {
    // The kubelet confirms termination: no container to stop.
    await core.deleteNamespacedPod({ name, namespace, gracePeriodSeconds: 0 }).catch((e) => {
      if (code(e) !== 404) log('delete', `${namespace}/${name}:`, describe(e));
    });
    return;
  }
  /** @type {{ name: string, image: string }[]} */
  const containers = pod.spec.containers;
  const broken = containers.some((c) => isBroken(c.image));
  const status = pod.status ?? {};
  const ready = status.conditions?.find((/** @type {any} */ c) => c.type === 'Ready');
  const images = (status.containerStatuses ?? []).map((/** @type {any} */ s) => `${s.name}=${s.image}`).sort().join(',');
  const wanted = containers.map((c) => `${c.name}=${c.image}`).sort().join(',');
  if (status.phase === 'Running' && ready && (ready.status === 'True') === !broken && images === wanted) return;

  const t = new Date().toISOString();
  const st = (/** @type {boolean} */ v) => (v ? 'True' : 'False');
  const condition = (/** @type {string} */ type, /** @type {boolean} */ value) => {
    const previous = status.conditions?.find((/** @type {any} */ c) => c.type === type);
    return { type, status: st(value), lastProbeTime: null, lastTransitionTime: previous?.status === st(value) ? previous.lastTransitionTime : t };
  };
  const podIP = status.podIP || nextIp();
  const body = {
    ...pod,
    status: {
      ...status,
      phase: 'Running',
      hostIP: '127.0.0.1',
      podIP,
      podIPs: [{ ip: podIP }],
      startTime: status.startTime || t,
      conditions: [condition('Initialized', true), condition('Ready', !broken), condition('ContainersReady', !broken), condition('PodScheduled', true)],
      containerStatuses: containers.map((c) => {
        const bad = isBroken(c.image);
        return {
          name: c.name, image: c.image, imageID: bad ? '' : `fake://${c.image}`, ready: !bad, restartCount: 0, started: !bad,
          state: bad
            ? { waiting: { reason: 'ImagePullBackOff', message: `Back-off pulling image "${c.image}" (fake: the tag is marked broken)` } }
            : { running: { startedAt: t } },
        };
      }),
    },
  };
  await core.replaceNamespacedPodStatus({ name, namespace, body }).catch((e) => {
    // 409: a newer version exists, whose event follows; 404: already deleted.
    if (code(e) !== 409 && code(e) !== 404) log('status', `${namespace}/${name}:`, describe(e));
  });
}

/** @param {any} pod */
function reconcileLogged(pod) {
  reconcile(pod).catch((e) => log('reconcile', pod?.metadata?.name, describe(e)));
}

const fieldSelector = `spec.nodeName=${NODE}`;

async function resync() {
  const list = await core.listPodForAllNamespaces({ fieldSelector });
  for (const pod of list.items) reconcileLogged(pod);
  return list.metadata?.resourceVersion;
}

const watch = new k8s.Watch(kc);
/** @type {AbortController | undefined} */
let current;
let generation = 0;
let stopping = false;

/** Lists, reconciles every pod, then watches from the list's resourceVersion; restarts on any end. */
async function runWatch() {
  const mine = ++generation;
  let resourceVersion;
  for (let delay = 250; ; delay = Math.min(delay * 2, 5000)) {
    try {
      resourceVersion = await resync();
      break;
    } catch (e) {
      log('list pods:', describe(e));
      await sleep(delay);
    }
  }
  let restarted = false;
  const restart = (/** @type {string} */ why) => {
    if (restarted || stopping || mine !== generation) return;
    restarted = true;
    if (why) log(`watch restarting: ${why}`);
    current?.abort();
    setTimeout(() => void runWatch(), why ? 500 : 0);
  };
  current = await watch.watch(
    '/api/v1/pods',
    { fieldSelector, resourceVersion, allowWatchBookmarks: true, timeoutSeconds: 300 },
    (type, object) => {
      if (type === 'ERROR') restart(`watch error ${object?.code ?? ''} ${object?.message ?? ''}`.trim());
      else if (type === 'ADDED' || type === 'MODIFIED') reconcileLogged(object);
    },
    (err) => restart(err ? describe(err) : ''),
  );
}

for (let delay = 250; ; delay = Math.min(delay * 2, 5000)) {
  try {
    await registerNode();
    break;
  } catch (e) {
    log('register node:', describe(e));
    await sleep(delay);
  }
}
await heartbeat();
setInterval(() => void heartbeat(), HEARTBEAT_MS);
setInterval(() => void resync().catch((e) => log('resync:', describe(e))), RESYNC_MS);
await runWatch();
log(`fake kubelet: node ${NODE} registered, watching its pods`);

// Orphan guard: started by cluster.mjs, it kills the cluster's other process groups if the process that owns
// them dies without stopping them (SIGKILL, a crash), so no apiserver or etcd outlives its test run.
const owner = Number(process.env.HOTFIX_KUBE_OWNER_PID);
const groups = (process.env.HOTFIX_KUBE_PGIDS ?? '').split(',').map(Number).filter((n) => n > 0);
if (owner > 0) {
  setInterval(() => {
    if (process.ppid === owner) return;
    for (const pgid of groups) {
      try {
        process.kill(-pgid, 'SIGKILL');
      } catch {
        // already gone
      }
    }
    process.exit(0);
  }, 1000);
}

const stop = () => {
  stopping = true;
  current?.abort();
  process.exit(0);
};
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
