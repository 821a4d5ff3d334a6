// The validation gate in front of `deploy`: a target with `validate: <suite>` deploys only with a
// saved passing report of that suite for HEAD (under 24 h old), else validate runs first and a
// failure blocks the deploy, unless --override-validation is given for a SEV0/SEV1 incident.
// The gate itself is shared with VS Code (src/adapters/validate-run.ts); this prints and exits.

import type { OpenDeploy } from '../adapters/deploy-workspace';
import { checkValidationGate, overrideValidation, type GateInput as SharedGateInput } from '../app/validate-run';
import { blocked } from '../core/verify/validate-gate';
import { EXIT, type ExitCode } from './exit-codes';
import type { Reporter } from './output';
import type { Io } from './program';
import { cliOutput } from './validate-verb';

export interface GateInput extends SharedGateInput {
  /** Why the linked incident could not be told (several open, a store error). */
  readonly incidentNote?: string;
  readonly override?: string;
}

/** Undefined: the deploy may go on. An exit code: it is blocked, and the reason was printed. */
export async function validationGate(io: Io, out: Reporter, opened: OpenDeploy, input: GateInput): Promise<ExitCode | undefined> {
  const name = opened.target.name;
  if (opened.workspace.config.targets?.[name]?.validate === undefined) {
    if (input.override !== undefined) out.line(`note: targets.${name} has no validate: suite; --override-validation is not needed`);
    return undefined;
  }
  const gate = await checkValidationGate(opened, input, { ...cliOutput(io, out.json), note: (text) => out.line(text) });
  if (gate.kind === 'through') return undefined;
  if (input.override === undefined) {
    const refusal = blocked(gate.report);
    return out.failure(refusal.reason, refusal.hint, EXIT.failed, { validation: gate.report });
  }
  const overridden = await overrideValidation(
    opened,
    gate,
    { reason: input.override, ...(input.incident ? { incident: input.incident } : {}), ...(input.incidentNote ? { incidentNote: input.incidentNote } : {}) },
    { line: (text) => out.line(text) },
  );
  if (!overridden.ok) return out.failure(overridden.reason, overridden.hint, input.override.trim() === '' ? EXIT.usage : EXIT.failed, { validation: gate.report });
  out.line(`warning: ${overridden.value}`);
  return undefined;
}
