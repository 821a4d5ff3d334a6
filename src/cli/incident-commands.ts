// `incident create | update | resolve | list | show | postmortem`: the options of each verb. The work
// is in incident-verbs.ts, loaded when one of these verbs runs.

import type { Command } from 'commander';
import type { ExitCode } from './exit-codes';
import type { CreateOptions, ListOptions, PostmortemOptions, ResolveOptions, ShowOptions, UpdateOptions } from './incident-verbs';
import type { Io } from './program';

const REPO = 'the repository whose .git/hotfix/incidents/ holds the incidents (default: the current directory)';
const BROADCAST = 'send to every configured notification channel (none can be configured yet: says so, sends nothing)';
const ID = 'the incident: INC-20261127-3F2A or its end (3F2A); default: the only open incident';

export function registerIncidentCommands(program: Command, io: Io, setExit: (code: ExitCode) => void): void {
  const incident = program
    .command('incident')
    .description('declare, update and resolve incidents with a timeline; list, show, and draft the post-mortem');

  incident
    .command('create')
    .description('declare an incident: it starts as investigating')
    .requiredOption('--title <text>', 'what is broken, in a few words: "Payment Gateway Down"')
    .requiredOption('--severity <level>', 'SEV0 to SEV3 (or critical, high, medium, low)')
    .requiredOption('--impact <level>', 'none, low, medium, high or critical, optionally with what users see: "high: card payments fail"')
    .option('--commander <name>', 'the incident commander')
    .option('--responders <names>', 'comma-separated names of the people on it')
    .option('--war-room <url>', 'the call or chat where the response happens (http/https)')
    .option('--status-page <url>', 'the public status page of the incident (http/https)')
    .option('--components <list>', 'comma-separated affected components: "api, checkout"')
    .option('--note <text>', 'a first note for the timeline')
    .option('--broadcast', BROADCAST)
    .option('--repo <path>', REPO)
    .option('--json', 'machine-readable output')
    .action(async (options: CreateOptions) => {
      const { createVerb } = await import('./incident-verbs.js');
      setExit(await createVerb(io, options));
    });

  incident
    .command('update')
    .description('change the status, ETA, commander, severity or impact, or add a note; each change is a timeline event')
    .option('--id <id>', ID)
    .option('--status <status>', 'investigating, identified or monitoring (going back needs --note saying why)')
    .option('--eta <when>', 'when it should be fixed: "15 minutes", "14:30 UTC", or any words')
    .option('--note <text>', "a note for the timeline (with --status, the update's message)")
    .option('--commander <name>', 'hand over to a new incident commander')
    .option('--responders <names>', 'comma-separated names joining the response')
    .option('--severity <level>', 'regrade: SEV0 to SEV3')
    .option('--impact <level>', 'none, low, medium, high or critical, optionally ": what users see"')
    .option('--title <text>', 'a better title')
    .option('--components <list>', 'more affected components, comma-separated')
    .option('--war-room <url>', 'the war-room link')
    .option('--status-page <url>', 'the status-page link')
    .option('--reopen', 'reopen a resolved incident (default: the most recently resolved); --note says why')
    .option('--correct <n>', 'correct event number n (see incident show) with the text of --note; events are never edited')
    .option('--broadcast', BROADCAST)
    .option('--repo <path>', REPO)
    .option('--json', 'machine-readable output')
    .action(async (options: UpdateOptions) => {
      const { updateVerb } = await import('./incident-verbs.js');
      setExit(await updateVerb(io, options));
    });

  incident
    .command('resolve')
    .description('resolve the incident with its root cause and action items')
    .option('--id <id>', ID)
    .option('--root-cause <text>', 'what caused it (required; "unknown, investigation continues in PROD-2900" is honest)')
    .option('--action-items <items>', 'follow-ups separated by ";", each optionally ending in @owner: "add validation @ada; alert on 5xx @bo"')
    .option('--note <text>', 'a closing note for the timeline')
    .option('--keep-gitops-paused <why>', 'keep the Argo CD/Flux auto-sync paused for this incident (it is restored otherwise); each becomes an action item')
    .option('--restore-gitops-anyway', 'restore auto-sync even where git (gitops.manifests) still says another image than what runs')
    .option('--kubeconfig <file>', 'for the GitOps restore: the kubeconfig (default: $KUBECONFIG, then ~/.kube/config)')
    .option('--broadcast', BROADCAST)
    .option('--repo <path>', REPO)
    .option('--json', 'machine-readable output')
    .action(async (options: ResolveOptions) => {
      const { resolveVerb } = await import('./incident-verbs.js');
      setExit(await resolveVerb(io, options));
    });

  incident
    .command('list')
    .description('the open incidents, most severe first (--all: every incident, newest first)')
    .option('--all', 'resolved incidents too')
    .option('--repo <path>', REPO)
    .option('--json', 'machine-readable output')
    .action(async (options: ListOptions) => {
      const { listVerb } = await import('./incident-verbs.js');
      setExit(await listVerb(io, options));
    });

  incident
    .command('show')
    .description('one incident with its numbered timeline (default: the only open one, else the last resolved)')
    .option('--id <id>', 'the incident: INC-20261127-3F2A or its end (3F2A)')
    .option('--repo <path>', REPO)
    .option('--json', 'machine-readable output')
    .action(async (options: ShowOptions) => {
      const { showVerb } = await import('./incident-verbs.js');
      setExit(await showVerb(io, options));
    });

  incident
    .command('postmortem')
    .description('draft the post-mortem in Markdown from the timeline (default: the only open incident, else the last resolved)')
    .option('--id <id>', 'the incident: INC-20261127-3F2A or its end (3F2A)')
    .option('--output <file>', 'write the draft to this file instead of printing it')
    .option('--force', 'overwrite --output if it exists (a draft people have edited is otherwise kept)')
    .option('--repo <path>', REPO)
    .option('--json', 'machine-readable output')
    .action(async (options: PostmortemOptions) => {
      const { postmortemVerb } = await import('./incident-verbs.js');
      setExit(await postmortemVerb(io, options));
    });

  for (const verb of incident.commands) {
    verb.exitOverride().configureOutput({ writeOut: (text) => io.out(text), writeErr: (text) => io.err(text) });
  }
  incident.exitOverride().configureOutput({ writeOut: (text) => io.out(text), writeErr: (text) => io.err(text) });
}
