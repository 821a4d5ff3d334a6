// Pure reading and writing of canary weights in the objects a mesh routes by: a Gateway API HTTPRoute
// (backendRefs `<service>` and `<service>-canary`) or an Istio VirtualService (destinations with
// subsets `stable` / `canary` of one host, or hosts `<service>` / `<service>-canary`). Only the
// route entries that name exactly the two tracks are touched; anything else in the object stays.

import { failed, succeeded, type Result } from '../result';
import type { CustomResource } from './ports';

export type MeshTraffic = 'gateway-api' | 'istio';

/** The kinds the tool writes weights to, and the API versions it can read, newest first. */
export const ROUTE_APIS: Readonly<Record<MeshTraffic, Omit<CustomResource, 'version'> & { readonly kind: 'HTTPRoute' | 'VirtualService'; readonly versions: readonly string[] }>> = {
  'gateway-api': { kind: 'HTTPRoute', group: 'gateway.networking.k8s.io', plural: 'httproutes', versions: ['v1', 'v1beta1'] },
  istio: { kind: 'VirtualService', group: 'networking.istio.io', plural: 'virtualservices', versions: ['v1', 'v1beta1', 'v1alpha3'] },
};

export interface Backends {
  /** The stable Service (or VirtualService host). */
  readonly stable: string;
  readonly canary: string;
  readonly namespace: string;
}

export interface RouteWeights {
  /** The spec with the new weights (unchanged when only reading). */
  readonly spec: Record<string, unknown>;
  /** How many rules (HTTPRoute) or http routes (VirtualService) carry the two tracks. */
  readonly matched: number;
  /** The canary's share in the first of them before the change, in percent. */
  readonly current: number;
  /** Whether the canary is reached by its own Service (hosts) or a subset of the stable host. */
  readonly routing: 'hosts' | 'subsets';
}

type Json = Record<string, unknown>;
const isObject = (value: unknown): value is Json => typeof value === 'object' && value !== null && !Array.isArray(value);
const list = (value: unknown): unknown[] => (Array.isArray(value) ? (value as unknown[]) : []);
const num = (value: unknown, fallback: number): number => (typeof value === 'number' && Number.isFinite(value) ? value : fallback);
const share = (stable: number, canary: number): number => (stable + canary === 0 ? 0 : Math.round((100 * canary) / (stable + canary)));

/** Reads the weights, and with `weight` sets the canary to it and stable to the rest. */
export function routeWeights(kind: 'HTTPRoute' | 'VirtualService', name: string, spec: Readonly<Json>, backends: Backends, weight?: number): Result<RouteWeights> {
  return kind === 'HTTPRoute' ? httpRoute(name, spec, backends, weight) : virtualService(name, spec, backends, weight);
}

function isServiceRef(ref: unknown, service: string, namespace: string): boolean {
  if (!isObject(ref) || ref['name'] !== service) return false;
  const kind = ref['kind'] ?? 'Service';
  const group = ref['group'] ?? '';
  const ns = ref['namespace'] ?? namespace;
  return kind === 'Service' && group === '' && ns === namespace;
}

function httpRoute(name: string, spec: Readonly<Json>, b: Backends, weight: number | undefined): Result<RouteWeights> {
  let matched = 0;
  let current: number | undefined;
  const problems: string[] = [];
  const rules = list(spec['rules']).map((rule, i) => {
    if (!isObject(rule)) return rule;
    const refs = list(rule['backendRefs']);
    const s = refs.findIndex((r) => isServiceRef(r, b.stable, b.namespace));
    const c = refs.findIndex((r) => isServiceRef(r, b.canary, b.namespace));
    if (s < 0 || c < 0) return rule;
    if (refs.length !== 2) {
      problems.push(`rule ${i + 1} has ${refs.length} backends`);
      return rule;
    }
    matched++;
    // Gateway API: an unset weight is 1; weights are proportions, not percentages.
    current ??= share(num((refs[s] as Json)['weight'], 1), num((refs[c] as Json)['weight'], 1));
    if (weight === undefined) return rule;
    const backendRefs = refs.map((r, j) => (j === s ? { ...(r as Json), weight: 100 - weight } : j === c ? { ...(r as Json), weight } : r));
    return { ...rule, backendRefs };
  });
  if (problems.length > 0) {
    return failed(`HTTPRoute ${name}: ${problems.join('; ')} besides ${b.stable} and ${b.canary}, so a weight would not be the canary's share.`, 'Give the canary its own rule with exactly those two backendRefs.');
  }
  if (matched === 0) {
    return failed(`HTTPRoute ${name} has no rule with the backends ${b.stable} and ${b.canary}.`, `Add backendRefs [{ name: ${b.stable}, port, weight: 100 }, { name: ${b.canary}, port, weight: 0 }] to its rule.`);
  }
  return succeeded({ spec: { ...spec, rules }, matched, current: current ?? 0, routing: 'hosts' });
}

function hostIs(host: unknown, service: string, namespace: string): boolean {
  if (typeof host !== 'string') return false;
  const fqdn = `${service}.${namespace}`;
  return host === service || host === fqdn || host === `${fqdn}.svc` || host.startsWith(`${fqdn}.svc.`);
}

function virtualService(name: string, spec: Readonly<Json>, b: Backends, weight: number | undefined): Result<RouteWeights> {
  let matched = 0;
  let current: number | undefined;
  let routing: RouteWeights['routing'] | undefined;
  const problems: string[] = [];
  const destination = (r: unknown): Json => (isObject(r) && isObject(r['destination']) ? r['destination'] : {});
  const isCanary = (d: Json) => d['subset'] === 'canary' || hostIs(d['host'], b.canary, b.namespace);
  const isStable = (d: Json) => !isCanary(d) && hostIs(d['host'], b.stable, b.namespace) && (d['subset'] === undefined || d['subset'] === 'stable');
  const http = list(spec['http']).map((entry, i) => {
    if (!isObject(entry)) return entry;
    const route = list(entry['route']);
    const s = route.findIndex((r) => isStable(destination(r)));
    const c = route.findIndex((r) => isCanary(destination(r)));
    if (s < 0 || c < 0) return entry;
    if (route.length !== 2) {
      problems.push(`http route ${i + 1} has ${route.length} destinations`);
      return entry;
    }
    matched++;
    routing ??= destination(route[c])['subset'] === 'canary' ? 'subsets' : 'hosts';
    // Istio: weights are percentages that sum to 100; an unset one counts as 0 beside another.
    current ??= share(num((route[s] as Json)['weight'], 0), num((route[c] as Json)['weight'], 0));
    if (weight === undefined) return entry;
    const next = route.map((r, j) => (j === s ? { ...(r as Json), weight: 100 - weight } : j === c ? { ...(r as Json), weight } : r));
    return { ...entry, route: next };
  });
  if (problems.length > 0) {
    return failed(`VirtualService ${name}: ${problems.join('; ')} besides stable and canary, so a weight would not be the canary's share.`, 'Give the canary its own http route with exactly the two destinations.');
  }
  if (matched === 0) {
    return failed(
      `VirtualService ${name} has no http route with a stable and a canary destination (subsets stable/canary of host ${b.stable}, or hosts ${b.stable} and ${b.canary}).`,
      `Add route: [{ destination: { host: ${b.stable}, subset: stable }, weight: 100 }, { destination: { host: ${b.stable}, subset: canary }, weight: 0 }].`,
    );
  }
  return succeeded({ spec: { ...spec, http }, matched, current: current ?? 0, routing: routing ?? 'hosts' });
}
