// What a generated pipeline deploys: the staging and production targets and the validation suite,
// from the command line or else decided from .hotfix/config.yaml; refused when it cannot be decided.

import { failed, succeeded, type Result } from '../result';
import { CONFIG_PATH, type HotfixConfigFile } from '../config/types';

export type Provider = 'github-actions' | 'gitlab';
export const PROVIDERS: readonly Provider[] = ['github-actions', 'gitlab'];

/** Where each provider reads its pipeline, relative to the repository root. */
export const PIPELINE_FILE: Readonly<Record<Provider, string>> = {
  'github-actions': '.github/workflows/hotfix.yml',
  gitlab: '.gitlab-ci.yml',
};

export interface PipelinePlan {
  readonly staging: string;
  readonly production: string;
  readonly suite: string;
}

export interface PlanOverrides {
  readonly staging?: string;
  readonly production?: string;
  readonly suite?: string;
}

/** The names go into shell lines of the pipeline: nothing a shell would read as more than a word. */
const SAFE_NAME = /^[A-Za-z0-9][A-Za-z0-9._-]*$/;

const isProtected = (config: HotfixConfigFile, name: string): boolean => config.targets?.[name]?.protected ?? name === 'production';

function known(config: HotfixConfigFile, name: string, option: string): Result<string> {
  if (!SAFE_NAME.test(name)) return failed(`${option}=${name} is not a target or suite name.`, 'Use letters, digits, dot, dash and underscore.');
  const names = Object.keys(config.targets ?? {});
  if (!names.includes(name)) {
    return failed(`${option}=${name}: there is no deploy target "${name}" in ${CONFIG_PATH}.`, names.length > 0 ? `Known targets: ${names.join(', ')}.` : `Add targets: to ${CONFIG_PATH} first.`);
  }
  return succeeded(name);
}

/**
 * Staging: the first target (in file order) that is not protected. Production: the one protected
 * target. Suite: production's `validate:`. Each can be given instead; names must exist in the file.
 */
export function planPipeline(config: HotfixConfigFile, overrides: PlanOverrides = {}): Result<PipelinePlan> {
  const names = Object.keys(config.targets ?? {});
  let production: string;
  if (overrides.production !== undefined) {
    const checked = known(config, overrides.production, '--production');
    if (!checked.ok) return checked;
    production = checked.value;
  } else {
    const guarded = names.filter((name) => isProtected(config, name));
    if (guarded.length !== 1) {
      return failed(
        guarded.length === 0
          ? `No protected target in ${CONFIG_PATH} to deploy to production.`
          : `Several protected targets in ${CONFIG_PATH} (${guarded.join(', ')}): which one is production cannot be decided.`,
        guarded.length === 0 ? 'Pass --production=TARGET, or mark it protected: true (a target named production is protected by default).' : 'Pass --production=TARGET.',
      );
    }
    production = guarded[0] as string;
  }

  let staging: string;
  if (overrides.staging !== undefined) {
    const checked = known(config, overrides.staging, '--staging');
    if (!checked.ok) return checked;
    staging = checked.value;
  } else {
    const first = names.find((name) => name !== production && !isProtected(config, name));
    if (first === undefined) return failed(`No unprotected target in ${CONFIG_PATH} to deploy to before production.`, 'Add a staging target under targets:, or pass --staging=TARGET.');
    staging = first;
  }
  if (staging === production) return failed(`Staging and production are the same target (${staging}).`, 'Pass --staging and --production naming two targets.');

  const suite = overrides.suite ?? config.targets?.[production]?.validate;
  if (suite === undefined) {
    return failed(`No validation suite: targets.${production} has no validate: in ${CONFIG_PATH}.`, `Pass --suite=NAME, or set targets.${production}.validate to a suite under validate:.`);
  }
  if (!SAFE_NAME.test(suite)) return failed(`--suite=${suite} is not a suite name.`, 'Use letters, digits, dot, dash and underscore.');
  const suites = Object.keys(config.validate ?? {});
  if (!suites.includes(suite)) {
    return failed(`There is no validation suite "${suite}" under validate: in ${CONFIG_PATH}.`, suites.length > 0 ? `Known suites: ${suites.join(', ')}.` : `Add it under validate: in ${CONFIG_PATH}.`);
  }
  return succeeded({ staging, production, suite });
}
