// @ts-check
// The Helm CLI of the tests, built once per machine by test/kube/build-helm.sh from helm.sh/helm/v4 at the
// version test/kube/helm/go.mod pins.
import { existsSync, readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));

/** The pinned version, from the build module: `4.3.2`. */
export const HELM_VERSION = /** @type {string} */ (/^require helm\.sh\/helm\/v4 v(\S+)$/m.exec(readFileSync(path.join(here, 'helm', 'go.mod'), 'utf8'))?.[1]);

/** The built helm binary; throws, naming the script to run, if it is not built yet. */
export function helmBinary() {
  const cache = process.env.HOTFIX_CACHE || path.join(homedir(), '.cache', 'hotfix-deployer');
  const file = path.join(process.env.HOTFIX_HELM_DIR || path.join(cache, `helm-${HELM_VERSION}`), 'bin', 'helm');
  if (!existsSync(file)) throw new Error(`helm ${HELM_VERSION} is not built: run bash test/kube/build-helm.sh (once per machine, about 4 minutes)`);
  return file;
}
