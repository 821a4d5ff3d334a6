// Generated alerting rules keep the config's text literal: Prometheus evaluates labels and annotations as
// Go templates, so a gate name or selector holding `{{ with query "…" }}` must print as written, never run.
// promtool checks the file and then evaluates the rules for real (`promtool test rules`) on input series.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { stringify } from 'yaml';
import { parseConfig } from '../../src/core/config/parse';
import { alertRules, alertRulesYaml } from '../../src/core/pipeline/alerts';
import { promtool, runPromtool } from './fixtures/promtool';

/** Text an attacker (or an unlucky author) puts in the config; each must come out exactly as written. */
const QUERY_NAME = 'errors {{ with query "sum(kube_secret_info)" }}{{ . | first | value }}{{ end }}';
const BRACES_NAME = 'raw {{{ "}}" {{- $labels }} {{{';
const SELECTOR = 'app="checkout",note="{{ $value }}"';
const QUERY = 'sum(hotfix_test_gauge{{{selector}}})';

const CONFIG = {
  targets: {
    pay: {
      namespace: 'payments',
      app: 'checkout',
      verify: {
        metrics: [
          { name: QUERY_NAME, selector: SELECTOR, max: 0.01 },
          { name: BRACES_NAME, kind: 'promql', query: QUERY, selector: SELECTOR, max: 1 },
        ],
      },
    },
  },
};

const SERIES = 'app="checkout",note="{{ $value }}"';
const ERROR_QUERY = `sum(rate(http_requests_total{${SERIES},code=~"5.."}[1m])) / sum(rate(http_requests_total{${SERIES}}[1m]))`;
const GAUGE_QUERY = `sum(hotfix_test_gauge{${SERIES}})`;
const labels = (gate: string) => ({ severity: 'warning', target: 'pay', namespace: 'payments', app: 'checkout', gate });

/** promtool's unit test: half the requests fail (50%) and the gauge stands at 5, for 15 minutes. */
const UNIT_TEST = {
  rule_files: ['rules.yml'],
  evaluation_interval: '15s',
  tests: [
    {
      interval: '15s',
      input_series: [
        { series: `http_requests_total{${SERIES},code="500"}`, values: '0+15x60' },
        { series: `http_requests_total{${SERIES},code="200"}`, values: '0+15x60' },
        { series: `hotfix_test_gauge{${SERIES}}`, values: '5+0x60' },
        // What the injected query would read, were it run.
        { series: 'kube_secret_info{secret="db-password"}', values: '1+0x60' },
      ],
      alert_rule_test: [
        {
          eval_time: '10m',
          alertname: 'HotfixErrorRateHigh',
          exp_alerts: [
            {
              exp_labels: labels(QUERY_NAME),
              exp_annotations: {
                summary: `${QUERY_NAME} of pay (payments/checkout) is above 1%`,
                description: `${QUERY_NAME} is 50% over 1m, above the deploy gate's max 0.01. Query: ${ERROR_QUERY}`,
              },
            },
          ],
        },
        {
          eval_time: '10m',
          alertname: 'HotfixGateAboveMax',
          exp_alerts: [
            {
              exp_labels: labels(BRACES_NAME),
              exp_annotations: {
                summary: `${BRACES_NAME} of pay (payments/checkout) is above 1`,
                description: `${BRACES_NAME} is 5 over 1m, above the deploy gate's max 1. Query: ${GAUGE_QUERY}`,
              },
            },
          ],
        },
      ],
    },
  ],
};

describe('alerts generate: config text stays literal in Prometheus templates (promtool check + test rules)', function () {
  this.timeout(300_000); // a first run may install Debian's prometheus package for promtool
  let dir: string;

  before(() => {
    promtool();
  });
  beforeEach(() => {
    dir = mkdtempSync(path.join(tmpdir(), 'hotfix-alerts-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('prints gate names and selectors as written, and only its own {{ $value }} is evaluated', () => {
    // The config is accepted as it is: the text reaches the rules through the normal path.
    const config = parseConfig(stringify(CONFIG), '.hotfix/config.yaml');
    assert.ok(config.ok, config.ok ? '' : config.reason);
    const rules = alertRules(config.value);
    assert.ok(rules.ok, rules.ok ? '' : rules.reason);
    writeFileSync(path.join(dir, 'rules.yml'), alertRulesYaml(rules.value));
    writeFileSync(path.join(dir, 'test.yml'), stringify(UNIT_TEST));

    const check = runPromtool(['check', 'rules', 'rules.yml'], dir);
    assert.equal(check.code, 0, check.output);
    const test = runPromtool(['test', 'rules', 'test.yml'], dir);
    assert.equal(test.code, 0, test.output);
    assert.match(test.output, /SUCCESS/);
  });
});
