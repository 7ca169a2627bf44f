import { Type } from '@sinclair/typebox';
import { RegistryError, notFound } from '../../../errors/registry-error.js';
import { versionUrn } from '../../../catalog/urns.js';
import { evaluateLicense } from '../../../licenses/evaluate-license.js';
import { libraryUrn, packageOfLibraryUrn } from '../../../lineage/lineage-urns.js';
import { canonicalPurl } from '../../../lineage/canonical-purl.js';
import { licenseFactsOf } from '../../../store/queries/gather-risk-facts.js';
import { currentLicensePolicy } from '../../../store/queries/find-risk.js';
import type { Advisory } from '../../../vulnerabilities/advisory.js';
import { parseOsvRecord } from '../../../vulnerabilities/parse-osv.js';
import type { App, RouteDeps } from '../../app-types.js';
import { versionInPath } from '../../resources.js';
import { sendWrite, writeContext } from '../../write-reply.js';
import { Reason } from '../access-schemas.js';
import { VersionParams } from '../common-schemas.js';

const tags = ['dependencies'];
export const MAX_ADVISORIES_PER_REQUEST = 1000;

export function advisoryRoutes(app: App, deps: RouteDeps): void {
  const { writer, store } = deps;

  app.post(
    '/api/v1/advisories',
    {
      bodyLimit: 32 * 1024 * 1024,
      config: { guard: { action: 'vulnerability.manage' } },
      schema: {
        tags,
        summary: 'Import OSV advisories (the OSV JSON schema); each one is matched against every library versions record, with its ecosystem’s version rules (PyPI PEP 440, npm semver, Maven)',
        description: 'All or nothing: one malformed record refuses the batch, naming it. An advisory seen before with the same `modified` time is skipped. `modelkeep advisories import PATH` reads files, folders and zip dumps and sends them in batches.',
        body: Type.Object({ advisories: Type.Array(Type.Unknown(), { minItems: 1, maxItems: MAX_ADVISORIES_PER_REQUEST }) }, { additionalProperties: false }),
      },
    },
    async (request, reply) => {
      const records = (request.body as { advisories: unknown[] }).advisories;
      const advisories: Advisory[] = [];
      const problems: string[] = [];
      records.forEach((record, i) => {
        try {
          advisories.push(parseOsvRecord(record));
        } catch (error) {
          const id = typeof (record as { id?: unknown })?.id === 'string' ? ` (${(record as { id: string }).id})` : '';
          problems.push(`advisories[${i}]${id}: ${(error as Error).message}`);
        }
      });
      if (problems.length > 0) throw new RegistryError('invalid_request', `${problems.length} of ${records.length} advisories are not valid OSV records; nothing was imported. ${problems.slice(0, 5).join('; ')}`, { extensions: { violations: problems } });
      const outcome = await writer.write(writeContext(request, 200), 'importAdvisories', { advisories });
      return sendWrite(reply, outcome, 200);
    },
  );

  app.get(
    '/api/v1/advisories/:id',
    { config: { guard: { action: 'catalog.read' } }, schema: { tags, summary: 'One imported advisory, normalized, with the libraries it affects', params: Type.Object({ id: Type.String({ minLength: 1, maxLength: 200 }) }) } },
    async (request) => {
      const { id } = request.params as { id: string };
      const row = await store.db.selectFrom('advisories').selectAll().where('id', '=', id).executeTakeFirst();
      if (row === undefined) throw notFound(`Advisory ${id}`);
      const findings = await store.db.selectFrom('vulnerability_findings').select(['library_urn', 'reason']).where('advisory_id', '=', id).orderBy('library_urn').limit(10_000).execute();
      return { advisory: JSON.parse(row.advisory) as Advisory, importedAt: row.imported_at, seq: Number(row.seq), affectedLibraries: findings.map((f) => ({ library: f.library_urn, reason: f.reason })) };
    },
  );

  app.post(
    '/api/v1/library-deprecations',
    {
      config: { guard: { action: 'vulnerability.manage' } },
      schema: {
        tags,
        summary: 'Mark a library deprecated: a package (pkg:pypi/nose) or one version of it (pkg:pypi/nose@1.3.7); models using it are flagged and rescored',
        body: Type.Object({ purl: Type.String({ minLength: 5, maxLength: 500 }), reason: Reason, replacement: Type.Optional(Type.String({ minLength: 5, maxLength: 500 })) }, { additionalProperties: false }),
      },
    },
    async (request, reply) => {
      const body = request.body as { purl: string; reason: string; replacement?: string };
      const target = canonicalPurl(body.purl);
      libraryUrn(target);
      const outcome = await writer.write({ ...writeContext(request, 200), reason: body.reason }, 'deprecateLibrary', { target, reason: body.reason, replacement: body.replacement === undefined ? null : canonicalPurl(body.replacement) });
      return sendWrite(reply, outcome, 200);
    },
  );

  app.get(
    '/api/v1/library-deprecations',
    { config: { guard: { action: 'catalog.read' } }, schema: { tags, summary: 'Libraries marked deprecated' } },
    async () => {
      const rows = await store.db.selectFrom('library_deprecations').selectAll().orderBy('target').execute();
      return { items: rows.map((r) => ({ purl: r.target, reason: r.reason, replacement: r.replacement, deprecatedAt: r.deprecated_at, deprecatedBy: r.deprecated_by })) };
    },
  );

  app.get(
    '/api/v1/models/:ns/:name/versions/:n/findings',
    {
      config: { guard: { action: 'catalog.read', resource: versionInPath } },
      schema: { tags, summary: "A version's dependency findings: vulnerabilities of its libraries (with severity), deprecated libraries, and its license against the policy and its datasets", params: VersionParams },
    },
    async (request) => {
      const { ns, name, n } = request.params as { ns: string; name: string; n: number };
      const db = store.db;
      const version = await db.selectFrom('versions').select(['license', 'status']).where('namespace', '=', ns).where('model', '=', name).where('number', '=', n).executeTakeFirst();
      if (version === undefined) throw notFound(`Version ${ns}/${name}@${n}`);
      const urn = versionUrn(ns, name, n);
      const libraries = (await db.selectFrom('lineage_edges').select('to_urn').distinct().where('from_urn', '=', urn).where('type', '=', 'dependsOn').orderBy('to_urn').execute()).map((r) => r.to_urn);
      const findings = libraries.length === 0 ? [] : await db
        .selectFrom('vulnerability_findings as f')
        .innerJoin('advisories as a', 'a.id', 'f.advisory_id')
        .select(['f.advisory_id', 'f.library_urn', 'f.severity', 'f.reason', 'a.summary', 'a.advisory'])
        .where('f.library_urn', 'in', libraries)
        .orderBy('f.library_urn')
        .orderBy('f.advisory_id')
        .execute();
      const rank = { critical: 0, high: 1, medium: 2, low: 3, unknown: 4 } as Record<string, number>;
      const vulnerabilities = findings
        .map((f) => ({ advisory: f.advisory_id, aliases: (JSON.parse(f.advisory) as Advisory).aliases, library: f.library_urn, severity: f.severity, summary: f.summary, reason: f.reason }))
        .sort((a, b) => (rank[a.severity] ?? 9) - (rank[b.severity] ?? 9));
      const packages = libraries.map((l) => ({ urn: l, purl: l.slice('mk:library:'.length), package: packageOfLibraryUrn(l) }));
      const targets = [...new Set(packages.flatMap((p) => [p.purl, ...(p.package === null ? [] : [p.package])]))];
      const marks = targets.length === 0 ? [] : await db.selectFrom('library_deprecations').selectAll().where('target', 'in', targets).execute();
      const deprecated = packages.flatMap((p) => {
        const mark = marks.find((m) => m.target === p.purl || m.target === p.package);
        return mark === undefined ? [] : [{ library: p.urn, reason: mark.reason, replacement: mark.replacement }];
      });
      const { policy } = await currentLicensePolicy(db);
      const licenseFacts = await licenseFactsOf(db, { namespace: ns, model: name }, policy, n);
      return {
        version: `${ns}/${name}@${n}`,
        libraries: libraries.length,
        vulnerabilities,
        deprecated,
        license: { expression: version.license, verdict: evaluateLicense(version.license, policy), conflicts: licenseFacts.conflicts },
      };
    },
  );
}
