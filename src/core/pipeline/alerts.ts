// Prometheus alerting rules from the targets' metric gates, so what blocks a canary also pages after
// the deploy: the gate's own query (without the canary track) above its bound, and a regression
// against the same query an hour earlier (`offset 1h` on its range selectors). Text from the config is
// kept literal in labels and annotations, which Prometheus expands as Go templates.

import { Document } from 'yaml';
import { resolveTarget, type Target } from '../config/targets';
import { CONFIG_PATH, type HotfixConfigFile } from '../config/types';
import { failed, succeeded, type Result } from '../result';
import { queryFor, type MetricGate } from '../verify/settings';

export interface AlertRule {
  readonly alert: string;
  readonly expr: string;
  readonly for: string;
  readonly labels: Readonly<Record<string, string>>;
  readonly annotations: { readonly summary: string; readonly description: string };
}

export interface RuleFile {
  readonly groups: readonly { readonly name: string; readonly rules: readonly AlertRule[] }[];
}

/** How much worse than an hour earlier counts as a regression. */
export const REGRESSION_FACTOR = 1.5;

const ALERT_NAME: Readonly<Record<MetricGate['kind'], string>> = { 'error-rate': 'HotfixErrorRateHigh', latency: 'HotfixLatencyHigh', promql: 'HotfixGateAboveMax' };

/** The gate's query for the whole app: its selector alone, with an empty selector leaving no stray comma. */
export function alertQuery(gate: MetricGate): string {
  return queryFor(gate).replace(/\{,/g, '{').replace(/,\}/g, '}');
}

/** The same query an hour earlier: `offset 1h` after each range selector (`[1m]`) of a built-in kind. */
export function offsetQuery(query: string, offset = '1h'): string {
  return query.replace(/\[(\d+[smhdwy])\]/g, `[$1] offset ${offset}`);
}

function bound(gate: MetricGate, value: number): string {
  return gate.kind === 'error-rate' ? `${+(value * 100).toFixed(4)}%` : gate.kind === 'latency' ? `${value}s` : String(value);
}

/**
 * `text` as Go template text that prints itself. Prometheus expands labels and annotations as templates
 * when an alert fires, so a `{{` from the config would start an action: `{{ with query "…" }}` would run
 * a query against the server and put its answer in the page. Each `{{`, and a last `{` (which a template
 * after it would complete), becomes a string constant that prints it: `{{ "{{" }}`. Escaped pieces can be
 * joined: none ends with a bare `{` or holds a bare `{{`.
 */
export function templateText(text: string): string {
  return text.replace(/\{\{|\{$/g, (braces) => `{{ "${braces}" }}`);
}

/** `$value` as a person reads it: a share as a percentage, seconds as a duration; the only templates here. */
function shown(gate: MetricGate): string {
  return gate.kind === 'error-rate' ? '{{ $value | humanizePercentage }}' : gate.kind === 'latency' ? '{{ $value | humanizeDuration }}' : '{{ $value }}';
}

function rulesFor(target: Target): AlertRule[] {
  const t = templateText;
  const labels = (gate: MetricGate, severity: string) => ({ severity, target: t(target.name), namespace: t(target.namespace), app: t(target.app), gate: t(gate.name) });
  const where = t(`${target.name} (${target.namespace}/${target.app})`);
  const rules: AlertRule[] = [];
  for (const gate of target.verify.metrics) {
    const query = alertQuery(gate);
    const name = t(gate.name);
    const shownQuery = t(query);
    if (gate.max !== undefined) {
      rules.push({
        alert: ALERT_NAME[gate.kind],
        expr: `(${query}) > ${gate.max}`,
        for: '5m',
        labels: labels(gate, target.protected ? 'critical' : 'warning'),
        annotations: {
          summary: `${name} of ${where} is above ${bound(gate, gate.max)}`,
          description: `${name} is ${shown(gate)} over ${t(gate.window)}, above the deploy gate's max ${gate.max}. Query: ${shownQuery}`,
        },
      });
    }
    if (gate.min !== undefined) {
      rules.push({
        alert: 'HotfixGateBelowMin',
        expr: `(${query}) < ${gate.min}`,
        for: '5m',
        labels: labels(gate, target.protected ? 'critical' : 'warning'),
        annotations: {
          summary: `${name} of ${where} is below ${bound(gate, gate.min)}`,
          description: `${name} is ${shown(gate)} over ${t(gate.window)}, below the deploy gate's min ${gate.min}. Query: ${shownQuery}`,
        },
      });
    }
    // A written-out promql query may hold instant selectors that an offset on ranges would miss:
    // the regression rule is made only for the kinds whose query shape is known.
    if (gate.kind !== 'promql' && gate.max !== undefined) {
      const floor = +(gate.max / 2).toPrecision(6);
      rules.push({
        alert: 'HotfixRegressionAfterDeploy',
        // The floor keeps a quiet hour (0 errors an hour ago) from paging on the first error.
        expr: `(${query}) > ${REGRESSION_FACTOR} * (${offsetQuery(query)}) and (${query}) > ${floor}`,
        for: '10m',
        labels: labels(gate, 'warning'),
        annotations: {
          summary: `${name} of ${where} is ${REGRESSION_FACTOR}x what it was an hour ago`,
          description: `${name} is ${shown(gate)}, more than ${REGRESSION_FACTOR} times its value 1h earlier and above half the gate's max (${floor}): a regression after a deploy? Roll back with: hotfix-deployer rollback --target=${t(target.name)}`,
        },
      });
    }
  }
  return rules;
}

/** One group per target with metric gates; refused when no target has any. */
export function alertRules(config: HotfixConfigFile): Result<RuleFile> {
  const groups: { name: string; rules: AlertRule[] }[] = [];
  for (const name of Object.keys(config.targets ?? {})) {
    const target = resolveTarget(config, name);
    if (!target.ok) return target;
    const rules = rulesFor(target.value);
    if (rules.length > 0) groups.push({ name: `hotfix-deployer-${name}`, rules });
  }
  if (groups.length === 0) {
    return failed(`No target in ${CONFIG_PATH} has metric gates with a max or min to alert on.`, 'Add verify.metrics to a target, e.g. - { name: error-rate, selector: \'app="checkout"\', max: 0.01 }.');
  }
  return succeeded({ groups });
}

export function alertRulesYaml(file: RuleFile): string {
  const doc = new Document(file);
  doc.commentBefore = ' Generated by `hotfix-deployer alerts generate` from the metric gates in .hotfix/config.yaml; regenerate with --force.';
  return doc.toString({ lineWidth: 0 });
}
