// ci generate and alerts generate: the pipeline for hotfix branches and the Prometheus alerting rules,
// made by the engine (src/core/pipeline) from the repository's .hotfix/config.yaml. The content and
// where it goes by default; writing the file (and not overwriting one) is the front end's.

import * as path from 'node:path';
import { locateRepository, whyNoRepository } from '../adapters/git/discovery';
import { alertRules, alertRulesYaml } from '../core/pipeline/alerts';
import { githubWorkflow } from '../core/pipeline/github';
import { gitlabPipeline } from '../core/pipeline/gitlab';
import { PIPELINE_FILE, planPipeline, type PlanOverrides, type Provider } from '../core/pipeline/plan';
import type { HotfixConfigFile } from '../core/config/types';
import { badInput } from '../core/result';
import type { AppEnv } from './env';
import { isRefused, refusedWith, type Refused } from './narrate';

export const ALERTS_FILE = '.hotfix/alerts.rules.yml';

/** A generated file: its content, where it goes unless told otherwise, and what it holds (for --json and the summary). */
export interface Generated<S> {
  readonly kind: 'generated';
  readonly root: string;
  /** The default path, absolute, in the repository. */
  readonly file: string;
  readonly content: string;
  readonly summary: S;
}

async function config(env: AppEnv): Promise<{ root: string; config: HotfixConfigFile } | Refused> {
  const location = await locateRepository(env.dir);
  if (!location) {
    const why = await whyNoRepository(env.dir);
    return refusedWith(badInput(why.reason, why.hint));
  }
  const read = await env.readConfig(location.root);
  if (!read.ok) return refusedWith({ ...read, failure: read.failure ?? 'input' });
  return { root: location.root, config: read.value };
}

export type PipelineOutcome = Generated<{ readonly provider: Provider; readonly staging: string; readonly production: string; readonly suite: string }> | Refused;

/** The pipeline for pushes to hotfix/**: validate, deploy to staging and verify, then a guarded production deploy. */
export async function ciPipeline(env: AppEnv, request: PlanOverrides & { readonly provider: Provider }): Promise<PipelineOutcome> {
  const opened = await config(env);
  if (isRefused(opened)) return opened;
  const { provider, ...overrides } = request;
  const plan = planPipeline(opened.config, overrides);
  if (!plan.ok) return refusedWith({ ...plan, failure: plan.failure ?? 'input' });
  const { staging, production, suite } = plan.value;
  return {
    kind: 'generated',
    root: opened.root,
    file: path.join(opened.root, ...PIPELINE_FILE[provider].split('/')),
    content: provider === 'gitlab' ? gitlabPipeline(plan.value) : githubWorkflow(plan.value),
    summary: { provider, staging, production, suite },
  };
}

export type AlertsOutcome = Generated<{ readonly rules: number; readonly targets: readonly string[] }> | Refused;

/** Prometheus alerting rules: each metric gate above its bound, and a regression against an hour earlier. */
export async function alertsRules(env: AppEnv): Promise<AlertsOutcome> {
  const opened = await config(env);
  if (isRefused(opened)) return opened;
  const rules = alertRules(opened.config);
  if (!rules.ok) return refusedWith({ ...rules, failure: rules.failure ?? 'input' });
  const count = rules.value.groups.reduce((sum, g) => sum + g.rules.length, 0);
  const targets = rules.value.groups.map((g) => g.name.replace(/^hotfix-deployer-/, ''));
  return { kind: 'generated', root: opened.root, file: path.join(opened.root, ...ALERTS_FILE.split('/')), content: alertRulesYaml(rules.value), summary: { rules: count, targets } };
}
