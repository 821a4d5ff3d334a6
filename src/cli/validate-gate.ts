// The validation gate in front of `deploy`: a target with `validate: <suite>` deploys only with a
// saved passing report of that suite for HEAD (under 24 h old), else validate runs first and a
// failure blocks the deploy, unless --override-validation is given for a SEV0/SEV1 incident.

import type { OpenDeploy } from '../adapters/deploy-workspace';
import { recordInIncident } from '../adapters/incident-link';
import { openIncidents } from '../adapters/incident-workspace';
import { readIncident } from '../core/incident/query';
import { failedChecks, validationKey, type SavedValidation } from '../core/verify/validate';
import { blocked, overrideAllowed, recordOverride, savedCovers, type LinkedSeverity } from '../core/verify/validate-gate';
import { EXIT, type ExitCode } from './exit-codes';
import { short, type Reporter } from './output';
import type { Io } from './program';
import { runValidation } from './validate-verb';

export interface GateInput {
  readonly image: string;
  readonly sha?: string;
  /** The incident the deploy is linked to. */
  readonly incident?: string;
  /** Why the linked incident could not be told (several open, a store error). */
  readonly incidentNote?: string;
  readonly override?: string;
  /** --yes: an unconfirmed deploy of a protected target is refused by the engine before the suite would run. */
  readonly confirmed: boolean;
}

/** Undefined: the deploy may go on. An exit code: it is blocked, and the reason was printed. */
export async function validationGate(io: Io, out: Reporter, opened: OpenDeploy, input: GateInput): Promise<ExitCode | undefined> {
  const name = opened.target.name;
  const suite = opened.workspace.config.targets?.[name]?.validate;
  if (suite === undefined) {
    if (input.override !== undefined) out.line(`note: targets.${name} has no validate: suite; --override-validation is not needed`);
    return undefined;
  }
  const ctx = opened.context;
  if (opened.target.protected && !input.confirmed) return undefined;
  const covers = savedCovers(await ctx.store.read<SavedValidation>(validationKey(name)), { suite, now: ctx.clock.now(), ...(input.sha ? { sha: input.sha } : {}) });
  if (covers.ok) {
    out.line(`validation: suite ${suite} passed for ${short(input.sha)} at ${covers.value.at}`);
    return undefined;
  }
  out.line(`validation: ${covers.reason}; running suite ${suite} first`);
  const report = await runValidation(io, out.json, {
    workspace: opened.workspace,
    deploy: ctx,
    target: name,
    suite,
    image: input.image,
    ...(input.incident ? { incident: input.incident } : {}),
    ...(ctx.signal ? { signal: ctx.signal } : {}),
  });
  if (report.pass) return undefined;
  if (input.override === undefined) {
    const refusal = blocked(report);
    return out.failure(refusal.reason, refusal.hint, EXIT.failed, { validation: report });
  }

  const incident = await incidentSeverity(opened.workspace.location.root, input.incident);
  const allowed = overrideAllowed(incident.value, input.override, incident.note ?? input.incidentNote);
  if (!allowed.ok) return out.failure(allowed.reason, allowed.hint, input.override.trim() === '' ? EXIT.usage : EXIT.failed, { validation: report });
  await recordOverride(ctx, report, allowed.value, input.override);
  const linked = await recordInIncident(opened.workspace.location.root, allowed.value.id, [{ type: 'validation-overridden', suite, target: name, reason: input.override }]);
  if (linked.note) out.line(`warning: the incident timeline was not updated: ${linked.note}`);
  const failures = failedChecks(report).map((c) => c.name).join(', ');
  out.line(`warning: validation failed (${failures}); deploying anyway: overridden for ${allowed.value.id} (${allowed.value.severity}) by ${ctx.actor}: ${input.override}`);
  return undefined;
}

export async function incidentSeverity(root: string, id: string | undefined): Promise<{ value?: LinkedSeverity; note?: string }> {
  if (id === undefined) return {};
  const opened = await openIncidents(root);
  if (!opened.ok) return { note: opened.reason };
  const read = await readIncident(opened.value.context, id);
  return read.ok ? { value: { id, severity: read.value.incident.severity } } : { note: read.reason };
}
