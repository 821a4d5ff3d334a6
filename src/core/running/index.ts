// What a target runs, mapped to the repository, and its drift from the production release.

export * from './types';
export { parseImageRef, shaInTag, isShaLike, withoutDigest, type ImageRef, type ShaCandidate } from './image-ref';
export { matchTagPattern, mapToCommit, type MappingInput, type Mapping, type PatternMatch } from './rules';
export { readRunning, templateAnnotations, type RunningPorts } from './read';
export { compareRunning, describeDrift, relationOf, type Expected } from './drift';
