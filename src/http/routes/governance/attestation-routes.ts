import { randomUUID } from 'node:crypto';
import { Type } from '@sinclair/typebox';
import { parseDigest } from '../../../artifacts/digest.js';
import { RegistryError } from '../../../errors/registry-error.js';
import { checkAttestationDetails, RecordAttestationSchema } from '../../../governance/attestation-schemas.js';
import { attestationView } from '../../../governance/views.js';
import { allAttestations, currentAttestations, versionRowOrFail } from '../../../store/queries/find-governance.js';
import type { App, RouteDeps } from '../../app-types.js';
import { versionToAttest } from '../../governance-resources.js';
import { versionInPath } from '../../resources.js';
import { sendWrite, writeContext } from '../../write-reply.js';
import { VersionParams } from '../common-schemas.js';

import { AttestationSchema, listOf } from '../../../governance/view-schemas.js';

const tags = ['governance'];

export function attestationRoutes(app: App, deps: RouteDeps): void {
  const { store, writer, blobs } = deps;

  app.post(
    '/api/v1/models/:ns/:name/versions/:n/attestations',
    {
      config: {
        // Reviews are signed by reviewers, never by the version's authors; evaluations come from whoever runs them (a pipeline, a contributor).
        guard: { action: 'review.sign', resource: versionToAttest, actionFor: (request) => ((request.body as { type: string }).type === 'evaluation' ? 'evaluation.record' : 'review.sign') },
      },
      schema: {
        tags,
        summary: 'Attach a typed statement to a published version: its verdict, details and evidence',
        description:
          'Types: `bias_assessment`, `safety_review`, `license_review`, `red_team` (need review.sign, and the signer must not be an author of the version) and `evaluation` (needs evaluation.record). ' +
          'Attestations never change; a newer one of the same type supersedes the current one. Evidence blobs must be uploaded first; links are labels, never fetched.',
        params: VersionParams,
        body: RecordAttestationSchema,
        response: { 201: AttestationSchema },
      },
    },
    async (request, reply) => {
      const { ns, name, n } = request.params;
      const { type, verdict, summary, details, evidence } = request.body;
      checkAttestationDetails(type, details);
      const missing: string[] = [];
      for (const digest of evidence?.blobs ?? []) if ((await blobs.stat(parseDigest(digest))) === undefined) missing.push(digest);
      if (missing.length > 0) throw new RegistryError('blobs_missing', `Evidence blob(s) not uploaded yet: ${missing.join(', ')}. Upload them with PUT /api/v1/blobs/{digest} first.`, { extensions: { missing } });
      const id = randomUUID();
      const outcome = await writer.write(writeContext(request, 201), 'recordAttestation', {
        id,
        ref: { namespace: ns, model: name, number: n },
        type,
        verdict,
        summary,
        details,
        evidence: evidence ?? {},
      });
      return sendWrite(reply, outcome, 201, `/api/v1/models/${ns}/${name}/versions/${n}/attestations`);
    },
  );

  app.get(
    '/api/v1/models/:ns/:name/versions/:n/attestations',
    {
      config: { guard: { action: 'catalog.read', resource: versionInPath } },
      schema: {
        tags,
        summary: "A version's attestations: the current one of each type, or with `all=true` every one ever recorded",
        params: VersionParams,
        querystring: Type.Object({ all: Type.Optional(Type.Boolean()) }, { additionalProperties: false }),
        response: { 200: listOf(AttestationSchema) },
      },
    },
    async (request) => {
      const { ns, name, n } = request.params;
      const version = await versionRowOrFail(store.db, { namespace: ns, model: name, number: n });
      const rows = request.query.all === true ? await allAttestations(store.db, version.id) : await currentAttestations(store.db, version.id);
      return { items: rows.map(attestationView) };
    },
  );
}
