import type { CustomPolicy } from '../../access/policies/policy-engine.js';
import type { PolicySource } from '../../access/authorizer.js';
import type { Db } from '../database.js';

/** The added Cedar policies as the authorizer reads them: a fingerprint (count and last change) and the set. */
export function storedPolicies(db: Db): PolicySource {
  return {
    async fingerprint() {
      const row = await db
        .selectFrom('access_policies')
        .select((eb) => [eb.fn.countAll<number>().as('n'), eb.fn.max('updated_seq').as('last')])
        .executeTakeFirstOrThrow();
      return `${Number(row.n)}:${row.last ?? 0}`;
    },
    async load(): Promise<CustomPolicy[]> {
      return db.selectFrom('access_policies').select(['id', 'text']).orderBy('id').execute();
    },
  };
}
