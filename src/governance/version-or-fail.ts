import { type VersionRef, versionLabel } from '../catalog/catalog-commands.js';
import { RegistryError } from '../errors/registry-error.js';
import type { Db } from '../store/database.js';
import * as q from '../store/queries/find-catalog.js';

/** The version a governance command acts on, or `not_found` naming it. */
export async function versionOrFail(tx: Db, ref: VersionRef) {
  const version = await q.findVersion(tx, ref.namespace, ref.model, ref.number);
  if (version === undefined) throw new RegistryError('not_found', `Version ${versionLabel(ref)} does not exist`);
  return version;
}
