// The audit trail's engine: the hash-chained record format, its verification, its anchor outside the
// log, the cross-check with the incident store, and its exports.

export { anchorMessage, anchorRef, ANCHOR_REFS, chainHead, chainPositions, checkAnchor, describeAnchor, parseAnchorMessage, type AnchorOutcome, type AnchorVerdict, type AuditAnchoring, type ChainHead, type ChainPositions } from './anchor';
export { canonicalJson, sha256Hex } from './canonical';
export { anchorIn, chainLine, GENESIS, GENESIS_HASH, lineHash, parseLine, recordHash, type AuditEntry, type ChainAnchor, type ChainedRecord, type ParsedLine } from './chain';
export { auditCoverage, type Coverage, type StoredIncidentEvents, type UnrecordedEvent, type UnstoredEvent } from './coverage';
export { csvCell, EXPORT_FORMATS, exportRecords, mdCell, neutralizeControls, parseExportFormat, parseSince, readEntries, selectSince, type ExportFormat } from './export';
export { verifyChain, type ChainIntact, type ChainProblem, type ChainReport, type ProblemKind } from './verify';
