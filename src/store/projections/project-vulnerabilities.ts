import type { LedgerEntry } from '../../ledger/entry.js';
import { canonicalPurl } from '../../lineage/canonical-purl.js';
import { libraryUrn, packageOfLibraryUrn } from '../../lineage/lineage-urns.js';
import type { Advisory } from '../../vulnerabilities/advisory.js';
import type { AdvisoryImported, LibraryDeprecated } from '../../vulnerabilities/entry-payloads.js';
import { affectedBy, packageKey, packageKeyOfPurl } from '../../vulnerabilities/match-advisory.js';
import { chunks } from '../chunks.js';
import type { Db } from '../database.js';
import { enqueueAlert } from './enqueue-alert.js';

/*
 * Findings are a projection: matching is a pure function of the advisory and
 * the library's purl, so replaying the ledger finds exactly the same ones.
 * A library is matched when it first appears and whenever an advisory for
 * its package is imported or revised.
 */

/** Adds libraries not seen before, and matches them against the advisories already imported for their package. */
export async function recordLibraries(tx: Db, entry: LedgerEntry, purls: readonly string[]): Promise<void> {
  if (purls.length === 0) return;
  const wanted = purls.map((given) => {
    const purl = canonicalPurl(given);
    return { urn: libraryUrn(purl), purl };
  });
  const known = new Set<string>();
  for (const part of chunks(wanted)) {
    for (const row of await tx.selectFrom('libraries').select('urn').where('urn', 'in', part.map((w) => w.urn)).execute()) known.add(row.urn);
  }
  const fresh = wanted.filter((w) => !known.has(w.urn));
  if (fresh.length === 0) return;
  const rows = fresh.map((w) => ({ urn: w.urn, purl: w.purl, package: packageOfLibraryUrn(w.urn) ?? w.purl, package_key: packageKeyOfPurl(w.purl), first_seq: entry.seq }));
  for (const part of chunks(rows)) await tx.insertInto('libraries').values(part).onConflict((oc) => oc.doNothing()).execute();
  const keys = [...new Set(rows.flatMap((r) => (r.package_key === null ? [] : [r.package_key])))];
  if (keys.length === 0) return;
  const advisories = await tx
    .selectFrom('advisories')
    .innerJoin('advisory_packages', 'advisory_packages.advisory_id', 'advisories.id')
    .select(['advisories.advisory', 'advisory_packages.package_key'])
    .where('advisory_packages.package_key', 'in', keys)
    .execute();
  const findings = [];
  for (const { advisory: text, package_key } of advisories) {
    const advisory = JSON.parse(text) as Advisory;
    for (const row of rows) {
      if (row.package_key !== package_key) continue;
      const match = affectedBy(advisory, row.purl);
      if (match.affected) findings.push({ advisory_id: advisory.id, library_urn: row.urn, severity: advisory.severity, reason: match.reason ?? '', seq: entry.seq });
    }
  }
  for (const part of chunks(findings)) await tx.insertInto('vulnerability_findings').values(part).onConflict((oc) => oc.doNothing()).execute();
}

/** The versions (URNs) that depend on each of these libraries. */
async function dependentsOf(tx: Db, libraries: readonly string[]): Promise<string[]> {
  const versions = new Set<string>();
  for (const part of chunks(libraries)) {
    for (const row of await tx.selectFrom('lineage_edges').select('from_urn').where('type', '=', 'dependsOn').where('to_urn', 'in', part).execute()) versions.add(row.from_urn);
  }
  return [...versions].sort();
}

const SAMPLE = 100;

export async function projectAdvisoryImported(tx: Db, entry: LedgerEntry, p: AdvisoryImported): Promise<void> {
  const { advisory } = p;
  const before = new Set(
    (await tx.selectFrom('vulnerability_findings').select('library_urn').where('advisory_id', '=', advisory.id).execute()).map((r) => r.library_urn),
  );
  const row = { modified: advisory.modified, severity: advisory.severity, summary: advisory.summary ?? null, withdrawn: advisory.withdrawn ?? null, advisory: JSON.stringify(advisory), imported_at: entry.at, seq: entry.seq };
  await tx.insertInto('advisories').values({ id: advisory.id, ...row }).onConflict((oc) => oc.column('id').doUpdateSet(row)).execute();
  await tx.deleteFrom('advisory_packages').where('advisory_id', '=', advisory.id).execute();
  await tx.deleteFrom('vulnerability_findings').where('advisory_id', '=', advisory.id).execute();
  const keys = [...new Set(advisory.affected.map((a) => packageKey(a.ecosystem, a.name)))];
  if (keys.length === 0) return;
  await tx.insertInto('advisory_packages').values(keys.map((package_key) => ({ advisory_id: advisory.id, package_key }))).execute();
  const libraries = await tx.selectFrom('libraries').select(['urn', 'purl']).where('package_key', 'in', keys).execute();
  const findings = libraries.flatMap((library) => {
    const match = affectedBy(advisory, library.purl);
    return match.affected ? [{ advisory_id: advisory.id, library_urn: library.urn, severity: advisory.severity, reason: match.reason ?? '', seq: entry.seq }] : [];
  });
  for (const part of chunks(findings)) await tx.insertInto('vulnerability_findings').values(part).execute();
  const newlyAffected = findings.map((f) => f.library_urn).filter((urn) => !before.has(urn));
  const versions = await dependentsOf(tx, newlyAffected);
  if (versions.length > 0) {
    await enqueueAlert(tx, entry, 0, {
      type: 'dependency.vulnerable',
      subject: `mk:advisory:${advisory.id}`,
      data: { advisory: advisory.id, severity: advisory.severity, summary: advisory.summary ?? null, libraries: newlyAffected, versionCount: versions.length, versions: versions.slice(0, SAMPLE) },
    });
  }
}


export async function projectLibraryDeprecated(tx: Db, entry: LedgerEntry, p: LibraryDeprecated): Promise<void> {
  const row = { reason: p.reason, replacement: p.replacement, deprecated_at: entry.at, deprecated_by: entry.actor, seq: entry.seq };
  await tx.insertInto('library_deprecations').values({ target: p.target, ...row }).onConflict((oc) => oc.column('target').doUpdateSet(row)).execute();
  const libraries = (await tx.selectFrom('libraries').select('urn').where((eb) => eb.or([eb('package', '=', p.target), eb('purl', '=', p.target)])).execute()).map((r) => r.urn);
  const versions = await dependentsOf(tx, libraries);
  if (versions.length > 0) {
    await enqueueAlert(tx, entry, 0, {
      type: 'dependency.deprecated',
      subject: `mk:library:${p.target}`,
      data: { library: p.target, reason: p.reason, replacement: p.replacement, versionCount: versions.length, versions: versions.slice(0, SAMPLE) },
    });
  }
}
