import { PackageURL } from 'packageurl-js';
import parseSpdx from 'spdx-expression-parse';
import { RegistryError } from '../errors/registry-error.js';
import type { VersionMetadata } from './schemas.js';

/*
 * Checks JSON Schema cannot express: a license must parse as an SPDX
 * expression and each library must be a well-formed package URL.
 */

export function checkSpdxExpression(expression: string): void {
  try {
    parseSpdx(expression);
  } catch (cause) {
    throw new RegistryError(
      'invalid_metadata',
      `license ${JSON.stringify(expression)} is not a valid SPDX license expression (e.g. "Apache-2.0", "MIT OR Apache-2.0", "LicenseRef-internal")`,
      { cause, extensions: { field: 'license' } },
    );
  }
}

export function checkPurl(purl: string): void {
  try {
    PackageURL.fromString(purl);
  } catch (cause) {
    throw new RegistryError(
      'invalid_metadata',
      `environment.libraries entry ${JSON.stringify(purl)} is not a valid package URL (e.g. "pkg:pypi/torch@2.3.1")`,
      { cause, extensions: { field: 'environment.libraries' } },
    );
  }
}

export function checkVersionMetadata(metadata: VersionMetadata): void {
  if (metadata.license !== undefined) checkSpdxExpression(metadata.license);
  for (const purl of metadata.environment?.libraries ?? []) checkPurl(purl);
  const run = metadata.trainingRun;
  if (run?.startedAt !== undefined && run.endedAt !== undefined && Date.parse(run.endedAt) < Date.parse(run.startedAt)) {
    throw new RegistryError('invalid_metadata', 'trainingRun.endedAt is before trainingRun.startedAt', {
      extensions: { field: 'trainingRun.endedAt' },
    });
  }
}
