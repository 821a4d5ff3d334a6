// Severity levels shared by hotfixes and incidents: SEV0 (worst) to SEV3, with the words people
// also type for them.

export const SEVERITIES = ['SEV0', 'SEV1', 'SEV2', 'SEV3'] as const;
export type Severity = (typeof SEVERITIES)[number];

const ALIASES: Readonly<Record<string, Severity>> = {
  critical: 'SEV0',
  high: 'SEV1',
  major: 'SEV1',
  medium: 'SEV2',
  moderate: 'SEV2',
  low: 'SEV3',
  minor: 'SEV3',
};

/** `sev1`, `SEV1`, `1` and `high` all mean SEV1; anything else is undefined. */
export function parseSeverity(input: string): Severity | undefined {
  const text = input.trim().toLowerCase();
  const digits = /^(?:sev)?([0-3])$/.exec(text);
  if (digits) {
    return `SEV${digits[1]}` as Severity;
  }
  return ALIASES[text];
}
