/**
 * What an access record says was done: stable names clients filter the
 * audit by. Writes need none; their ledger entries are the change records.
 */
export const accessActions = [
  'namespaces.list',
  'namespace.read',
  'models.search',
  'model.read',
  'versions.list',
  'version.read',
  'versions.search',
  'blob.read',
  'ledger.read',
  'audit.read',
  /** Another catalog read (a route without a name of its own yet). */
  'catalog.read',
  /** Any other authenticated read. */
  'api.read',
  /** A change the registry refused (401, 403, hidden as 404, 429): the attempt is on record, the change is not. */
  'write.refused',
] as const;
export type AccessAction = (typeof accessActions)[number];

export const isAccessAction = (value: string): value is AccessAction => (accessActions as readonly string[]).includes(value);
