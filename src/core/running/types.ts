// What the cluster runs for a target, mapped to the repository: the shapes shared by the reader,
// the mapping rules, the drift check and the front ends.

export type MappingRule = 'annotation' | 'oci-revision' | 'tag-pattern' | 'image-tag' | 'image-sha';

/** The template annotations the deploy writes so the running commit can be read back (checked against the image). */
export const GIT_SHA = 'hotfix-deployer.io/git-sha';
export const BRANCH = 'hotfix-deployer.io/branch';
export const IMAGE = 'hotfix-deployer.io/image';
/** The OCI image annotation key, as build pipelines copy it into the pod template. */
export const OCI_REVISION = 'org.opencontainers.image.revision';

export interface RunningImage {
  readonly container: string;
  /** The reference as the pod template has it. */
  readonly image: string;
  readonly repository: string;
  readonly tag?: string;
  /** `sha256:…`, when the reference pins one. */
  readonly digest?: string;
}

export interface RunningCommit {
  readonly sha: string;
  readonly via: MappingRule;
  /** How the rule got there, in words (e.g. `image tag 1.4.0 = git tag v1.4.0`). */
  readonly detail: string;
  /** The git tag the image names, when a rule went through one. */
  readonly tag?: string;
  /** The branch the tool's annotation names. */
  readonly branch?: string;
}

export interface RunningRevision {
  readonly target: string;
  /** The live Deployment: `<app>`, or the colour the Service selects. */
  readonly deployment: string;
  /** The ReplicaSet of the Deployment's current revision. */
  readonly replicaSet?: string;
  readonly revision?: number;
  readonly images: readonly RunningImage[];
  /** The target's container. */
  readonly image: RunningImage;
  readonly commit?: RunningCommit;
  /** Every rule that did not give the commit, and why (in order). */
  readonly tried: readonly string[];
  /** A canary beside stable that has replicas: its name, image and replicas, in words. */
  readonly canary?: string;
}

export interface Drift {
  /** The production release tag (or the production branch) the running commit differs from. */
  readonly expected: string;
  readonly expectedSha: string;
  readonly runningSha: string;
  readonly relation: 'behind' | 'ahead' | 'diverged';
  /** Commits in the expected one that the running commit lacks. */
  readonly behind: number;
  /** Commits in the running one that the expected commit lacks. */
  readonly ahead: number;
}
