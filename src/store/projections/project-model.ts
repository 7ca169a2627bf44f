import type { ModelCreated, ModelFields, ModelUpdated } from '../../catalog/entry-payloads.js';
import { riskTierOf } from '../../catalog/risk-tier.js';
import type { LedgerEntry } from '../../ledger/entry.js';
import type { Db } from '../database.js';
import type { StoreDialect } from '../dialect.js';
import { recordModelHistory } from '../history/record-history.js';

async function replaceChildren(tx: Db, modelId: number, fields: Partial<ModelFields>): Promise<void> {
  if (fields.tags !== undefined) {
    await tx.deleteFrom('model_tags').where('model_id', '=', modelId).execute();
    if (fields.tags.length > 0) {
      await tx.insertInto('model_tags').values(fields.tags.map((tag) => ({ model_id: modelId, tag }))).execute();
    }
  }
  if (fields.owners !== undefined) {
    await tx.deleteFrom('model_owners').where('model_id', '=', modelId).execute();
    if (fields.owners.length > 0) {
      await tx.insertInto('model_owners').values(fields.owners.map((owner) => ({ model_id: modelId, owner }))).execute();
    }
  }
}

export async function projectModelCreated(tx: Db, dialect: StoreDialect, entry: LedgerEntry, payload: ModelCreated): Promise<void> {
  const id = entry.seq;
  const searchTags = payload.tags.join(' ');
  await tx
    .insertInto('models')
    .values({
      id,
      namespace: payload.namespace,
      name: payload.name,
      description: payload.description,
      domain: payload.domain,
      owners: JSON.stringify(payload.owners),
      tags: JSON.stringify(payload.tags),
      risk_profile: payload.riskProfile === null ? null : JSON.stringify(payload.riskProfile),
      risk_tier: riskTierOf(payload.riskProfile),
      stage: 'concept',
      extra: JSON.stringify(payload.extra),
      created_at: entry.at,
      created_by: entry.actor,
      updated_at: entry.at,
      revision: 1,
      search_tags: searchTags,
    })
    .execute();
  await replaceChildren(tx, id, payload);
  await recordModelHistory(tx, id, entry.seq, true);
  await dialect.indexModel(tx, { id, name: payload.name, description: payload.description, searchTags });
}

export async function projectModelUpdated(tx: Db, dialect: StoreDialect, entry: LedgerEntry, payload: ModelUpdated): Promise<void> {
  const row = await tx
    .selectFrom('models')
    .select(['id', 'description', 'search_tags'])
    .where('namespace', '=', payload.namespace)
    .where('name', '=', payload.name)
    .executeTakeFirstOrThrow();
  const { changes } = payload;
  const scored = await tx.selectFrom('model_risk').select('tier').where('namespace', '=', payload.namespace).where('model', '=', payload.name).executeTakeFirst();
  const searchTags = changes.tags === undefined ? row.search_tags : changes.tags.join(' ');
  await tx
    .updateTable('models')
    .set((eb) => ({
      ...(changes.description === undefined ? {} : { description: changes.description }),
      ...(changes.domain === undefined ? {} : { domain: changes.domain }),
      ...(changes.owners === undefined ? {} : { owners: JSON.stringify(changes.owners) }),
      ...(changes.tags === undefined ? {} : { tags: JSON.stringify(changes.tags), search_tags: searchTags }),
      ...(changes.riskProfile === undefined
        ? {}
        : {
            risk_profile: changes.riskProfile === null ? null : JSON.stringify(changes.riskProfile),
            // Once the rubric has scored the model its tier is the rubric's; the profile is one of its signals.
            risk_tier: scored?.tier ?? riskTierOf(changes.riskProfile),
          }),
      ...(changes.extra === undefined ? {} : { extra: JSON.stringify(changes.extra) }),
      updated_at: entry.at,
      revision: eb('revision', '+', 1),
    }))
    .where('id', '=', row.id)
    .execute();
  await replaceChildren(tx, row.id, changes);
  await recordModelHistory(tx, Number(row.id), entry.seq, false);
  await dialect.indexModel(tx, {
    id: row.id,
    name: payload.name,
    description: changes.description ?? row.description,
    searchTags,
  });
}
