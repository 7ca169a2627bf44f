import { createHash } from 'node:crypto';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { type Store, openStore } from '../../src/store/open-store.js';
import { testPostgresUrl } from '../support/postgres.js';
import type { TestRegistry } from '../support/test-registry.js';

const canonicalize = createRequire(import.meta.url)('canonicalize') as (value: unknown) => string;

export interface WireAccessRecord {
  kind: 'access';
  id: number;
  at: string;
  actor: string;
  action: string;
  subject: string;
  status: number;
  batchSeq: number;
  leafHash: string;
}

export interface WireChangeRecord {
  kind: 'change';
  seq: number;
  at: string;
  actor: string;
  action: string;
  subject: string;
  payload: any;
}

export type WireAuditRecord = WireAccessRecord | WireChangeRecord;

/** Every audit record matching `query`, following the cursor page by page. */
export async function auditAll(registry: TestRegistry, query: Record<string, string | number> = {}, limit = 1000): Promise<WireAuditRecord[]> {
  const items: WireAuditRecord[] = [];
  let cursor: string | null = null;
  do {
    const params = new URLSearchParams({ ...Object.fromEntries(Object.entries(query).map(([k, v]) => [k, String(v)])), limit: String(limit) });
    if (cursor !== null) params.set('cursor', cursor);
    const response = await registry.api('GET', `/api/v1/audit?${params}`);
    if (response.status !== 200) throw new Error(`audit answered ${response.status}: ${JSON.stringify(response.body)}`);
    items.push(...(response.body.items as WireAuditRecord[]));
    cursor = response.body.nextCursor as string | null;
  } while (cursor !== null);
  return items;
}

/** Writes the reads the server has buffered, as its timer or a full batch would. */
export async function flushReads(registry: TestRegistry): Promise<void> {
  await registry.server.registry.access.flush();
}

/** A connection of our own to the registry's database, as someone with database access but not the API would have. */
export function openDirect(registry: TestRegistry): Promise<Store> {
  return registry.dialect === 'postgres'
    ? openStore({ location: testPostgresUrl, schema: registry.schema })
    : openStore({ location: join(registry.dataDir, 'modelkeep.db') });
}

/** An access record's leaf as an outsider computes it from the wire: SHA-256(0x00 || JCS of every field but the hash), RFC 9162 §2.1.1. */
export function outsiderLeaf(record: WireAccessRecord): Buffer {
  const { id, at, actor, action, subject, status } = record;
  return createHash('sha256').update(Buffer.from([0])).update(canonicalize({ id, at, actor, action, subject, status }), 'utf8').digest();
}
