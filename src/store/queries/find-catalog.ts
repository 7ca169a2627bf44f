import type { Db, ExtensionSchemaRow } from '../database.js';
import { type AsOf, catalogSource, validAt } from './as-of.js';
import { toModel, toNamespace, toVersion } from './row-mappers.js';

/** A namespace's extension schemas, now or as they were at a point. */
async function schemasOf(db: Db, names: readonly string[], asOf: AsOf): Promise<ExtensionSchemaRow[]> {
  if (names.length === 0) return [];
  if (asOf === undefined) return db.selectFrom('extension_schemas').selectAll().where('namespace', 'in', names).execute();
  return db
    .selectFrom('extension_schema_history as h')
    .select(['namespace', 'kind', 'schema', 'valid_from as updated_seq'])
    .where('namespace', 'in', names)
    .where(validAt('h', asOf))
    .execute();
}

export async function findNamespace(db: Db, name: string, asOf?: AsOf) {
  let query = db.selectFrom('namespaces').selectAll().where('name', '=', name);
  if (asOf !== undefined) query = query.where('created_seq', '<=', asOf);
  const row = await query.executeTakeFirst();
  if (row === undefined) return undefined;
  return toNamespace(row, await schemasOf(db, [name], asOf));
}

/** `only`: the namespaces the caller may read (undefined: all). */
export async function listNamespaces(db: Db, after: string | undefined, limit: number, asOf?: AsOf, only?: readonly string[]) {
  if (only !== undefined && only.length === 0) return [];
  let query = db.selectFrom('namespaces').selectAll().orderBy('name').limit(limit + 1);
  if (only !== undefined) query = query.where('name', 'in', only);
  if (after !== undefined) query = query.where('name', '>', after);
  if (asOf !== undefined) query = query.where('created_seq', '<=', asOf);
  const rows = await query.execute();
  const schemas = await schemasOf(db, rows.map((r) => r.name), asOf);
  return rows.map((row) => toNamespace(row, schemas.filter((s) => s.namespace === row.name)));
}

/** The JSON Schema a namespace set for a kind of record, if any. */
export async function findExtensionSchema(db: Db, namespace: string, kind: 'model' | 'version'): Promise<object | undefined> {
  const row = await db
    .selectFrom('extension_schemas')
    .select('schema')
    .where('namespace', '=', namespace)
    .where('kind', '=', kind)
    .executeTakeFirst();
  return row === undefined ? undefined : (JSON.parse(row.schema) as object);
}

export async function findModel(db: Db, namespace: string, name: string, asOf?: AsOf) {
  let query = db.selectFrom(catalogSource('models', asOf)).selectAll().where('namespace', '=', namespace).where('name', '=', name);
  if (asOf !== undefined) query = query.where(validAt('models', asOf));
  const row = await query.executeTakeFirst();
  return row === undefined ? undefined : toModel(row);
}

export async function findVersion(db: Db, namespace: string, model: string, number: number, asOf?: AsOf) {
  let query = db
    .selectFrom(catalogSource('versions', asOf))
    .selectAll()
    .where('namespace', '=', namespace)
    .where('model', '=', model)
    .where('number', '=', number);
  if (asOf !== undefined) query = query.where(validAt('versions', asOf));
  const row = await query.executeTakeFirst();
  return row === undefined ? undefined : toVersion(row);
}

/** What registering a version needs, in one round trip: the model, its last number, the namespace's version schema. */
export async function findRegistrationTarget(db: Db, namespace: string, name: string) {
  const row = await db
    .selectFrom('models')
    .selectAll('models')
    .select((eb) => [
      eb
        .selectFrom('versions')
        .select((inner) => inner.fn.max('versions.number').as('n'))
        .whereRef('versions.namespace', '=', 'models.namespace')
        .whereRef('versions.model', '=', 'models.name')
        .as('last_number'),
      eb
        .selectFrom('extension_schemas')
        .select('schema')
        .where('extension_schemas.namespace', '=', namespace)
        .where('extension_schemas.kind', '=', 'version')
        .as('version_schema'),
    ])
    .where('models.namespace', '=', namespace)
    .where('models.name', '=', name)
    .executeTakeFirst();
  if (row === undefined) return undefined;
  const { last_number, version_schema, ...model } = row;
  return {
    model: toModel(model),
    lastNumber: last_number === null ? 0 : Number(last_number),
    versionSchema: version_schema === null ? undefined : (JSON.parse(version_schema) as object),
  };
}

export async function latestVersions(db: Db, namespace: string, model: string, limit: number, asOf?: AsOf) {
  let query = db
    .selectFrom(catalogSource('versions', asOf))
    .selectAll()
    .where('namespace', '=', namespace)
    .where('model', '=', model)
    .orderBy('number', 'desc')
    .limit(limit);
  if (asOf !== undefined) query = query.where(validAt('versions', asOf));
  const rows = await query.execute();
  return rows.map(toVersion);
}

/** Extension fields of published records of a kind, for checking a schema change against them. */
export async function* publishedExtras(db: Db, namespace: string, kind: 'model' | 'version') {
  if (kind === 'model') {
    const rows = await db.selectFrom('models').select(['name', 'extra']).where('namespace', '=', namespace).execute();
    for (const row of rows) yield { urn: `mk:model:${namespace}/${row.name}`, extra: JSON.parse(row.extra) as unknown };
    return;
  }
  let after = -1;
  for (;;) {
    const rows = await db
      .selectFrom('versions')
      .select(['id', 'model', 'number', 'metadata'])
      .where('namespace', '=', namespace)
      .where('status', '!=', 'draft')
      .where('id', '>', after)
      .orderBy('id')
      .limit(1000)
      .execute();
    for (const row of rows) {
      const metadata = JSON.parse(row.metadata) as { extra?: unknown };
      yield { urn: `mk:version:${namespace}/${row.model}@${row.number}`, extra: metadata.extra ?? {} };
    }
    if (rows.length < 1000) return;
    after = Number(rows[rows.length - 1]!.id);
  }
}
