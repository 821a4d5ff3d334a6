// The team's incident store on the cluster it shares: one labelled ConfigMap per incident in a
// configured namespace, its timeline as JSON under one data key. The compare-and-swap is the API
// server's: `version` is the ConfigMap's resourceVersion, an append is a PUT carrying the version
// the caller read, and a 409 means someone else wrote first (`moved`), so the engine re-reads and
// re-applies its events. Only ConfigMaps carrying the managed-by label are read, listed or written.

import type { KubeConfig, V1ConfigMap } from '@kubernetes/client-node';
import type { IncidentEvent } from '../../core/incident/events';
import { foldIncident } from '../../core/incident/fold';
import type { IncidentStore, StoredIncident, StoreWrite } from '../../core/incident/ports';
import { isRefusal } from '../../core/deploy/ports';
import { KubeRest, resourcePath, type KubeList } from './rest';

export const INCIDENT_LABELS = {
  managedBy: 'app.kubernetes.io/managed-by',
  kind: 'hotfix-deployer.io/kind',
  status: 'hotfix-deployer.io/status',
  severity: 'hotfix-deployer.io/severity',
} as const;
/** The incident id as written (names are lower case; the id keeps its case). */
export const INCIDENT_ID_ANNOTATION = 'hotfix-deployer.io/incident-id';
export const EVENTS_KEY = 'events.json';
/** What the API server accepts in one ConfigMap's data (keys and values together). */
export const CONFIGMAP_DATA_LIMIT = 1024 * 1024;

const MANAGED_BY = 'hotfix-deployer';
const SELECTOR = `${INCIDENT_LABELS.managedBy}=${MANAGED_BY},${INCIDENT_LABELS.kind}=incident`;
/** A name of the incident's ConfigMap: `hotfix-incident-` and the id, lower case (a DNS subdomain). */
const ID = /^[A-Za-z0-9]([A-Za-z0-9.-]*[A-Za-z0-9])?$/;
const PREFIX = 'hotfix-incident-';
/** Reads remembered for the PUT that follows them (the engine reads, then appends at that version). */
const CACHE_SIZE = 64;

export interface ConfigMapIncidentStoreOptions {
  /** For `location`: the kube context the client talks to. */
  readonly context?: string;
}

/** The HTTP status of the API server's refusal; undefined when it never answered. */
function statusOf(error: unknown): number | undefined {
  return isRefusal(error) ? error.status : undefined;
}

const message = (error: unknown): string => (error instanceof Error ? error.message : String(error));

function dataBytes(data: Readonly<Record<string, string>>): number {
  let total = 0;
  for (const [key, value] of Object.entries(data)) total += Buffer.byteLength(key) + Buffer.byteLength(value);
  return total;
}

const isOurs = (cm: V1ConfigMap): boolean =>
  cm.metadata?.labels?.[INCIDENT_LABELS.managedBy] === MANAGED_BY && cm.metadata.labels[INCIDENT_LABELS.kind] === 'incident';

export class ConfigMapIncidentStore implements IncidentStore {
  readonly location: string;
  private readonly rest: KubeRest;
  private readonly seen = new Map<string, V1ConfigMap>();

  constructor(
    kc: KubeConfig,
    readonly namespace: string,
    options: ConfigMapIncidentStoreOptions = {},
  ) {
    this.rest = new KubeRest(kc);
    this.location = `ConfigMaps in namespace ${namespace}${options.context ? ` of kube context ${options.context}` : ''}`;
  }

  /** The ConfigMap name of an incident id. Throws on an id that cannot name one. */
  static nameOf(id: string): string {
    const name = `${PREFIX}${id.toLowerCase()}`;
    if (!ID.test(id) || name.length > 253) throw new Error(`invalid incident id for a ConfigMap name: ${JSON.stringify(id)}`);
    return name;
  }

  async read(id: string): Promise<StoredIncident | undefined> {
    const cm = await this.get(id);
    if (!cm) return undefined;
    const version = cm.metadata?.resourceVersion ?? '0';
    const text = cm.data?.[EVENTS_KEY];
    const where = `ConfigMap ${this.namespace}/${ConfigMapIncidentStore.nameOf(id)}`;
    if (text === undefined) return { id, version, events: [], unreadable: `${where} has no ${EVENTS_KEY} key` };
    let events: unknown;
    try {
      events = JSON.parse(text);
    } catch (error) {
      return { id, version, events: [], unreadable: `${where} key ${EVENTS_KEY} is not valid JSON (${error instanceof Error ? error.message : String(error)})` };
    }
    if (!Array.isArray(events)) return { id, version, events: [], unreadable: `${where} key ${EVENTS_KEY} is not a JSON array of events` };
    this.remember(id, cm);
    return { id, version, events };
  }

  async list(): Promise<string[]> {
    const list = await this.rest
      .call<KubeList<V1ConfigMap>>(`list the incident ConfigMaps in namespace ${this.namespace}`, this.path(), { query: { labelSelector: SELECTOR } })
      .catch((error: unknown) => {
        throw this.failure(error);
      });
    const ids: string[] = [];
    for (const cm of list.items) {
      const id = cm.metadata?.annotations?.[INCIDENT_ID_ANNOTATION];
      // The selector already filtered; the name check skips a labelled ConfigMap someone copied by hand.
      if (id !== undefined && ID.test(id) && isOurs(cm) && cm.metadata?.name === ConfigMapIncidentStore.nameOf(id)) ids.push(id);
    }
    return ids;
  }

  async create(id: string, events: readonly IncidentEvent[]): Promise<StoreWrite> {
    const name = ConfigMapIncidentStore.nameOf(id);
    const body: V1ConfigMap = {
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: { name, namespace: this.namespace, labels: labelsFor(id, events), annotations: { [INCIDENT_ID_ANNOTATION]: id } },
      data: { [EVENTS_KEY]: JSON.stringify(events) },
    };
    this.checkSize(id, body);
    try {
      const created = await this.rest.call<V1ConfigMap>(`create ConfigMap ${this.namespace}/${name}`, this.path(), { method: 'POST', body });
      this.remember(id, created);
      return { ok: true, version: created.metadata?.resourceVersion ?? '' };
    } catch (error) {
      if (statusOf(error) === 409) return { ok: false, conflict: 'exists' };
      if (statusOf(error) === 404) throw new Error(`Cannot declare ${id}: the namespace ${this.namespace} does not exist (${message(error)}). Create it, or fix incidents.namespace in .hotfix/config.yaml.`, { cause: error });
      throw this.failure(error);
    }
  }

  async append(id: string, expectedVersion: string, events: readonly IncidentEvent[]): Promise<StoreWrite> {
    const name = ConfigMapIncidentStore.nameOf(id);
    // The read just before (the engine's) is remembered: at the same resourceVersion the content is
    // the same, so the PUT needs no second GET. Otherwise fetch it and compare first.
    let current = this.seen.get(id);
    if (current?.metadata?.resourceVersion !== expectedVersion) {
      current = await this.get(id);
      if (!current) return { ok: false, conflict: 'missing' };
      if (current.metadata?.resourceVersion !== expectedVersion) return { ok: false, conflict: 'moved' };
    }
    const text = current.data?.[EVENTS_KEY];
    let stored: unknown;
    try {
      stored = text === undefined ? undefined : JSON.parse(text);
    } catch {
      stored = undefined;
    }
    if (!Array.isArray(stored)) throw new Error(`ConfigMap ${this.namespace}/${name} does not hold a readable timeline under ${EVENTS_KEY}; nothing was written.`);
    const all = [...(stored as unknown[]), ...events];
    const { managedFields: _managedFields, ...metadata } = current.metadata ?? {};
    const body: V1ConfigMap = {
      ...current,
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: {
        ...metadata,
        name,
        namespace: this.namespace,
        resourceVersion: expectedVersion, // the compare-and-swap: the server answers 409 if it moved
        labels: { ...metadata.labels, ...labelsFor(id, all) },
      },
      data: { ...current.data, [EVENTS_KEY]: JSON.stringify(all) },
    };
    this.checkSize(id, body);
    try {
      const replaced = await this.rest.call<V1ConfigMap>(`replace ConfigMap ${this.namespace}/${name}`, this.path(name), { method: 'PUT', body });
      this.remember(id, replaced);
      return { ok: true, version: replaced.metadata?.resourceVersion ?? '' };
    } catch (error) {
      this.seen.delete(id);
      if (statusOf(error) === 409) return { ok: false, conflict: 'moved' };
      if (statusOf(error) === 404) return { ok: false, conflict: 'missing' };
      throw this.failure(error);
    }
  }

  /** The incident's ConfigMap if it exists and is ours (managed-by label, the same id); else undefined. */
  private async get(id: string): Promise<V1ConfigMap | undefined> {
    const name = ConfigMapIncidentStore.nameOf(id);
    let cm: V1ConfigMap;
    try {
      cm = await this.rest.call<V1ConfigMap>(`read ConfigMap ${this.namespace}/${name}`, this.path(name));
    } catch (error) {
      if (statusOf(error) === 404) {
        this.seen.delete(id);
        return undefined;
      }
      throw this.failure(error);
    }
    // Not created by this tool, or another id that lower-cases to the same name: not this incident.
    if (!isOurs(cm) || cm.metadata?.annotations?.[INCIDENT_ID_ANNOTATION] !== id) return undefined;
    return cm;
  }

  /**
   * Refuses a write the API server would refuse for size, with what to do about it. A timeline of
   * ordinary notes reaches 1 MiB after several thousand events; the incident stays readable and
   * every event written so far stays, but nothing more can be added to it.
   */
  private checkSize(id: string, body: V1ConfigMap): void {
    const bytes = dataBytes(body.data ?? {});
    if (bytes > CONFIGMAP_DATA_LIMIT) {
      throw new Error(
        `${id}'s timeline would be ${(bytes / 1024).toFixed(0)} KiB, more than the 1024 KiB a ConfigMap can hold (${this.location}); nothing was written. ` +
          'Resolve it and declare a follow-up incident that links to it, or keep incidents in the file store (incidents.store: file).',
      );
    }
  }

  private remember(id: string, cm: V1ConfigMap): void {
    this.seen.delete(id);
    this.seen.set(id, cm);
    if (this.seen.size > CACHE_SIZE) {
      const oldest = this.seen.keys().next().value;
      if (oldest !== undefined) this.seen.delete(oldest);
    }
  }

  private path(name?: string): string {
    return resourcePath('v1', 'configmaps', { namespace: this.namespace, ...(name !== undefined ? { name } : {}) });
  }

  /** A refusal says what was asked and the server's words (`Cannot read ConfigMap ns/name: ...`). */
  private failure(error: unknown): Error {
    const status = statusOf(error);
    if (status === undefined) return error instanceof Error ? error : new Error(String(error));
    const hint = status === 403 ? ' (the kube user needs get, list, create and update on configmaps there)' : '';
    return new Error(`Cannot ${message(error)}${hint}`, { cause: error });
  }
}

/** The labels that let a person or a selector find incidents by status and severity. */
function labelsFor(id: string, events: readonly unknown[]): Record<string, string> {
  const labels: Record<string, string> = { [INCIDENT_LABELS.managedBy]: MANAGED_BY, [INCIDENT_LABELS.kind]: 'incident' };
  const view = foldIncident(id, events);
  if (view.ok) {
    labels[INCIDENT_LABELS.status] = view.value.status === 'resolved' ? 'resolved' : 'open';
    labels[INCIDENT_LABELS.severity] = view.value.severity.toLowerCase();
  }
  return labels;
}
