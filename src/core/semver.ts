// semver, required on first use rather than with the bundle that imports it: loading it builds its
// regular expressions and its range constants, which every CLI deploy and rollback would pay for
// (issue #20) though only a finish's next tag, an unusual release tag and the helm version check ask.

import type * as Semver from 'semver';

let loaded: typeof Semver | undefined;

export function semver(): typeof Semver {
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- a literal require, bundled by esbuild, run when first needed
  return (loaded ??= require('semver') as typeof Semver);
}
