import { type VersionRef, versionLabel as label } from '../catalog/catalog-commands.js';
import { asPayload } from '../catalog/entry-payloads.js';
import { attestationUrn, gatePolicyUrn } from '../catalog/urns.js';
import { RegistryError } from '../errors/registry-error.js';
import * as q from '../store/queries/find-catalog.js';
import { currentAttestations, findGatePolicy } from '../store/queries/find-governance.js';
import { versionOrFail } from './version-or-fail.js';
import type { WriteSteps } from '../store/write-command.js';
import type { AttestationRecorded, Evidence, GatePolicyRemoved, GatePolicySet } from './entry-payloads.js';
import type { AttestationType, GatePolicy, Verdict } from './gate-types.js';
import { type AttestationView, attestationView } from './views.js';


export interface RecordAttestation {
  readonly id: string;
  readonly ref: VersionRef;
  readonly type: AttestationType;
  readonly verdict: Verdict;
  readonly summary: string;
  readonly details: Readonly<Record<string, unknown>>;
  readonly evidence: Evidence;
}

export const attestationCommands = {
  /** Attestations never change; a newer one of the same type supersedes the current one and both stay on record. */
  recordAttestation: (args: RecordAttestation): WriteSteps<AttestationView> => ({
    decide: async (tx) => {
      const { id, ref, ...statement } = args;
      const version = await versionOrFail(tx, ref);
      if (version.status === 'draft') throw new RegistryError('invalid_state', `${label(ref)} is a draft and may still change; publish it before attesting to it`);
      if (version.status === 'retired') throw new RegistryError('invalid_state', `${label(ref)} is retired; its record is closed`);
      const current = (await currentAttestations(tx, version.id)).find((a) => a.type === args.type);
      const payload: AttestationRecorded = { ...ref, id, ...statement, supersedes: current?.id ?? null };
      return [{ action: 'attestation.recorded', subject: attestationUrn(id), reason: args.summary, payload: asPayload(payload) }];
    },
    respond: async (tx) => attestationView((await tx.selectFrom('attestations').selectAll().where('id', '=', args.id).executeTakeFirst())!),
  }),

  setGatePolicy: (args: { namespace: string | null; policy: GatePolicy; source: string; format: 'yaml' | 'json' }) : WriteSteps<{ scope: string; revision: number; seq: number }> => ({
    decide: async (tx) => {
      if (args.namespace !== null && (await q.findNamespace(tx, args.namespace)) === undefined) throw new RegistryError('not_found', `Namespace ${args.namespace} does not exist`);
      const payload: GatePolicySet = { ...args };
      return [{ action: 'gate_policy.set', subject: gatePolicyUrn(args.namespace), payload: asPayload(payload) }];
    },
    respond: async (tx) => {
      const row = (await findGatePolicy(tx, args.namespace))!;
      return { scope: args.namespace ?? 'global', revision: row.revision, seq: Number(row.updated_seq) };
    },
  }),

  removeGatePolicy: (args: { namespace: string | null }): WriteSteps<null> => ({
    decide: async (tx) => {
      if ((await findGatePolicy(tx, args.namespace)) === undefined) throw new RegistryError('not_found', `${args.namespace === null ? 'The registry' : `Namespace ${args.namespace}`} has no gate policy of its own`);
      const payload: GatePolicyRemoved = { namespace: args.namespace };
      return [{ action: 'gate_policy.removed', subject: gatePolicyUrn(args.namespace), payload: asPayload(payload) }];
    },
    respond: async () => null,
  }),
};
