// The audit trail's engine: the hash-chained record format, its verification and its exports.

export { canonicalJson, sha256Hex } from './canonical';
export { anchorIn, chainLine, GENESIS, GENESIS_HASH, lineHash, parseLine, recordHash, type AuditEntry, type ChainAnchor, type ChainedRecord, type ParsedLine } from './chain';
export { csvCell, EXPORT_FORMATS, exportRecords, mdCell, parseExportFormat, parseSince, readEntries, selectSince, type ExportFormat } from './export';
export { verifyChain, type ChainIntact, type ChainProblem, type ChainReport, type ProblemKind } from './verify';
