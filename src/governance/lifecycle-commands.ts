import { type VersionRef, versionLabel as label } from '../catalog/catalog-commands.js';
import { asPayload } from '../catalog/entry-payloads.js';
import { versionUrn } from '../catalog/urns.js';
import { RegistryError } from '../errors/registry-error.js';
import { aliasesAt, findDeployment, pendingPromotions } from '../store/queries/find-governance.js';
import { versionOrFail } from './version-or-fail.js';
import { readLedger } from '../store/queries/read-ledger.js';
import type { WriteSteps } from '../store/write-command.js';
import { rollbacksAway, rollbackView, type RollbackView } from './deployment-commands.js';
import type { VersionQuarantined, VersionReleased, VersionRetired } from './entry-payloads.js';
import { deploymentView } from './views.js';


export interface QuarantineView {
  readonly version: string;
  readonly status: string;
  readonly reason: string;
  readonly rollbacks: readonly RollbackView[];
  readonly cancelledPromotions: readonly string[];
}

export const lifecycleCommands = {
  /**
   * Pulls a version: no promotion or deployment from now on, downloads only
   * for investigators, and every environment that runs it rolls back to its
   * last healthy version, all in one ledger entry.
   */
  quarantineVersion: (args: { ref: VersionRef; reason: string; idSeed: string }): WriteSteps<QuarantineView> => ({
    decide: async (tx) => {
      const { ref, reason } = args;
      const version = await versionOrFail(tx, ref);
      if (version.status === 'quarantined' || version.status === 'retired') {
        throw new RegistryError('invalid_state', `${label(ref)} is already ${version.status}`);
      }
      const payload: VersionQuarantined = {
        ...ref,
        reason,
        rollbacks: await rollbacksAway(tx, ref, args.idSeed),
        cancelledPromotions: (await pendingPromotions(tx, version.id)).map((r) => r.id),
      };
      return [{ action: 'version.quarantined', subject: versionUrn(ref.namespace, ref.model, ref.number), reason, payload: asPayload(payload) }];
    },
    respond: async (tx, entries) => {
      // The entry says what happened (rollbacks, removed aliases, cancelled requests); the receipt carries no payload.
      const seq = entries[0]!.seq;
      const payload = (await readLedger(tx, seq, seq + 1))[0]!.payload as unknown as VersionQuarantined;
      const rollbacks: RollbackView[] = [];
      for (const rollback of payload.rollbacks) {
        const row = rollback.deploymentId === null ? undefined : await findDeployment(tx, rollback.deploymentId);
        rollbacks.push(rollbackView(rollback, row === undefined ? null : deploymentView(row)));
      }
      return { version: label(args.ref), status: 'quarantined', reason: args.reason, rollbacks, cancelledPromotions: payload.cancelledPromotions };
    },
  }),

  /** Ends a quarantine once the investigation clears the version; it does not redeploy it anywhere. */
  releaseVersion: (args: { ref: VersionRef; reason: string }): WriteSteps<{ version: string; status: string }> => ({
    decide: async (tx) => {
      const version = await versionOrFail(tx, args.ref);
      if (version.status !== 'quarantined') throw new RegistryError('invalid_state', `${label(args.ref)} is ${version.status}, not quarantined`);
      const payload: VersionReleased = { ...args.ref, reason: args.reason };
      return [{ action: 'version.released', subject: version.urn, reason: args.reason, payload: asPayload(payload) }];
    },
    respond: async () => ({ version: label(args.ref), status: 'published' }),
  }),

  /** Archives a version for good: its record stays, it never serves again. */
  retireVersion: (args: { ref: VersionRef; reason: string }): WriteSteps<{ version: string; status: string; stage: string }> => ({
    decide: async (tx) => {
      const version = await versionOrFail(tx, args.ref);
      if (version.status === 'retired') throw new RegistryError('invalid_state', `${label(args.ref)} is already retired`);
      const serving = await aliasesAt(tx, args.ref);
      if (serving.length > 0) {
        const where = serving.map((a) => a.environment).join(', ');
        throw new RegistryError('invalid_state', `${label(args.ref)} still serves in ${where}; deploy another version or roll back there first`, { extensions: { environments: serving.map((a) => a.environment) } });
      }
      const pending = await pendingPromotions(tx, version.id);
      if (pending.length > 0) throw new RegistryError('invalid_state', `Promotion ${pending[0]!.id} of ${label(args.ref)} is pending; reject it first`);
      const payload: VersionRetired = { ...args.ref, reason: args.reason, from: version.stage };
      return [{ action: 'version.retired', subject: version.urn, reason: args.reason, payload: asPayload(payload) }];
    },
    respond: async () => ({ version: label(args.ref), status: 'retired', stage: 'retired' }),
  }),
};
