/*
 * Dependencies and risk, as the SDK answers them: the lineage graph,
 * advisories and findings, risk scores and their documents, alerts. One file
 * per domain; this one gathers them for imports that want them all.
 */

export type * from './advisory-types.js';
export type * from './alert-types.js';
export type * from './lineage-types.js';
export type * from './risk-types.js';
