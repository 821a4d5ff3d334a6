// The validate verb: parse the options, run the validate use case (src/app/validate.ts) with each step
// and its output streamed, then each check, where it was recorded, and the verdict; exit by the
// report. Loaded only when the verb runs.

import type { ValidateOutcome } from '../app/validate';
import { checkImageReference } from '../core/image-ref';
import { summary } from '../core/verify/validate';
import { cliEnv, type CommonFlags } from './compose';
import { EXIT, type ExitCode } from './exit-codes';
import { incidentLinkLines } from './incident-link-lines';
import { interruptibly } from './interrupt';
import { reporter } from './output';
import type { Io } from './program';
import { stoppedWith } from './refused';

export interface ValidateOptions extends CommonFlags {
  readonly environment?: string;
  readonly target?: string;
  readonly testSuite?: string;
  readonly image?: string;
  readonly incident?: string;
}

export async function validateVerb(io: Io, options: ValidateOptions): Promise<ExitCode> {
  const json = options.json === true;
  const out = reporter(io, json);
  if (options.environment !== undefined && options.target !== undefined && options.environment !== options.target) {
    return out.failure(`--environment=${options.environment} and --target=${options.target} name different targets.`, 'Pass one of them.', EXIT.usage);
  }
  const target = options.environment ?? options.target;
  if (target === undefined && options.testSuite === undefined) {
    return out.failure('Nothing to validate.', 'Pass --environment=TARGET (its validate: suite and cluster checks) and/or --test-suite=NAME.', EXIT.usage);
  }
  if (options.image !== undefined) {
    const checked = checkImageReference(options.image, '--image');
    if (!checked.ok) return out.refused(checked);
  }
  const { validate, checkLine, validationSubject } = await import('../app/validate.js');
  return interruptibly(
    (signal) => io.err(`${signal}: stopping the running step (again to exit now)\n`),
    async (signal) => {
      const outcome: ValidateOutcome = await validate(cliEnv(io, out, options, signal), {
        ...(target !== undefined ? { target } : {}),
        ...(options.testSuite !== undefined ? { suite: options.testSuite } : {}),
        ...(options.image !== undefined ? { image: options.image } : {}),
        ...(options.incident !== undefined ? { incident: options.incident } : {}),
      });
      if (outcome.kind === 'refused') return stoppedWith(out, outcome);
      // With --json stdout carries one document: the checks go to stderr, as the steps' output does.
      const write = (text: string) => (json ? io.err(`${text}\n`) : io.out(`${text}\n`));
      const { report } = outcome;
      for (const check of report.checks) write(checkLine(check));
      for (const line of incidentLinkLines(outcome.incident)) write(line);
      const what = validationSubject(report);
      if (outcome.kind === 'passed') {
        const saved = report.target ? '; saved for deploy' : '';
        return out.result({ pass: true, report }, [`Validation passed: ${what}: ${summary(report)} in ${report.ms} ms${saved}.`]);
      }
      return out.refused({ reason: `Validation failed: ${what}: ${summary(report)}.`, hint: 'Fix the failed checks and run validate again.' }, { pass: false, report });
    },
  );
}
