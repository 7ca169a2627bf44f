/**
 * The standalone verifier: checks a signed checkpoint, an inclusion proof and
 * a consistency proof using nothing but node:crypto. No database, no server
 * code; embed it to audit a ModelKeep ledger you do not trust.
 */
export { type Checkpoint, formatCheckpoint, parseCheckpoint, verifyCheckpoint } from './checkpoint.js';
export { type VerifierKey, formatVerifierKey, keyHash, openNote, parseVerifierKey } from './signed-note.js';
export { type ProofCheck, hashChildren, hashLeaf, verifyConsistency, verifyInclusion } from '../merkle.js';
