// Opens a repository's incidents for the engine: the file store under `.git/hotfix/incidents/`, the
// chained audit log, the acting git identity. The CLI and the extension both start here.

import { randomBytes } from 'node:crypto';
import * as os from 'node:os';
import * as path from 'node:path';
import { DEFAULT_SEVERITY_DESCRIPTIONS, type SeverityDescriptions } from '../core/incident/model';
import type { IncidentContext, IncidentSink, IncidentStore } from '../core/incident/ports';
import { systemClock } from '../core/ports';
import { badInput, succeeded, type Result } from '../core/result';
import { whyNoRepository, type RepositoryLocation } from './git/discovery';
import { readConfigFile, type ConfigReader } from './config-file';
import { incidentsDir, incidentStore } from './incident-store';
import { auditLogAt } from './store/audit-file';
import { operationRepository, stateDir, type RepositoryAccess } from './workspace';

export { incidentsDir };

export interface IncidentOpenOptions {
  /** The notification channels that hear every change; none by default. */
  readonly sinks?: readonly IncidentSink[];
  readonly severities?: SeverityDescriptions;
  /** Another store (the team's cluster); by default the files under `.git/hotfix/incidents/`. */
  readonly store?: (location: RepositoryLocation) => IncidentStore;
  /** Said after "not inside a git repository": how this front end names the repository. */
  readonly hint?: string;
  /** For a cluster store: the hotfixDeployer.kubeconfig setting or --kubeconfig. */
  readonly kubeconfig?: string;
  /** The operation's way to its repository (located once, one identity read); default: its own. */
  readonly access?: RepositoryAccess;
  /** The operation's configuration reader (read once); default: the file, read now. */
  readonly readConfig?: ConfigReader;
}

export interface OpenIncidents {
  readonly location: RepositoryLocation;
  /** The folder of the incident files, for watchers and messages. */
  readonly dir: string;
  readonly context: IncidentContext;
}

/** The store `.hotfix/config.yaml` chooses for this repository: files (default) or the team's cluster. */
export async function configuredIncidentStore(location: RepositoryLocation, kubeconfig?: string, readConfig: ConfigReader = readConfigFile): Promise<Result<IncidentStore>> {
  const config = await readConfig(location.root);
  if (!config.ok) return config;
  return incidentStore(config.value, location, kubeconfig ? { kubeconfig } : {});
}

export async function openIncidents(dir: string, options: IncidentOpenOptions = {}): Promise<Result<OpenIncidents>> {
  const access = options.access ?? operationRepository();
  const location = await access.locate(dir);
  if (!location) {
    const why = await whyNoRepository(dir);
    return badInput(why.reason, why.plain ? (options.hint ?? why.hint) : why.hint);
  }
  const state = stateDir(location);
  let store: IncidentStore;
  if (options.store) {
    store = options.store(location);
  } else {
    const chosen = await configuredIncidentStore(location, options.kubeconfig, options.readConfig);
    if (!chosen.ok) return chosen;
    store = chosen.value;
  }
  const identity = await access.identity(location);
  const incidents = incidentsDir(location);
  return succeeded({
    location,
    dir: incidents,
    context: {
      store,
      audit: auditLogAt(path.join(state, 'audit.jsonl')),
      clock: systemClock,
      actor: identity ?? os.userInfo().username,
      random: (bytes) => randomBytes(bytes),
      severities: options.severities ?? DEFAULT_SEVERITY_DESCRIPTIONS,
      sinks: options.sinks ?? [],
    },
  });
}
