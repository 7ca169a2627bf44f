import { describe, expect, it } from 'vitest';
import { RegistryError } from '../../src/errors/registry-error.js';
import { defaultLicensePolicy } from '../../src/licenses/default-license-policy.js';
import { checkLicensePolicy, MAX_LICENSE_POLICY_BYTES, parseLicensePolicy } from '../../src/licenses/parse-license-policy.js';

function refusal(attempt: () => unknown): RegistryError {
  try {
    attempt();
  } catch (error) {
    expect(error).toBeInstanceOf(RegistryError);
    expect((error as RegistryError).code).toBe('invalid_policy');
    return error as RegistryError;
  }
  throw new Error('the policy was accepted');
}

const violationsOf = (value: unknown): string[] => refusal(() => checkLicensePolicy(value)).extensions['violations'] as string[];

const yamlPolicy = `
allowed: [Apache-2.0, MIT, BSD-3-Clause, CC-BY-4.0]   # SPDX ids
denied: [AGPL-3.0-only, AGPL-3.0-or-later, SSPL-1.0]
unknown: warn
`;

describe('parsing license policies', () => {
  it('accepts a YAML policy', () => {
    expect(parseLicensePolicy(yamlPolicy)).toEqual({
      allowed: ['Apache-2.0', 'MIT', 'BSD-3-Clause', 'CC-BY-4.0'],
      denied: ['AGPL-3.0-only', 'AGPL-3.0-or-later', 'SSPL-1.0'],
      unknown: 'warn',
    });
  });

  it('accepts the same policy as JSON, sniffing the format', () => {
    const json = JSON.stringify(parseLicensePolicy(yamlPolicy));
    expect(parseLicensePolicy(`\n ${json}`)).toEqual(parseLicensePolicy(yamlPolicy));
  });

  it('fills in absent lists and unknown: warn, so an empty-listed policy allows anything', () => {
    expect(checkLicensePolicy({})).toEqual({ allowed: [], denied: [], unknown: 'warn' });
    expect(checkLicensePolicy({ unknown: 'deny' })).toEqual({ allowed: [], denied: [], unknown: 'deny' });
  });

  it('writes entries as SPDX writes them today, whatever their case or form', () => {
    expect(checkLicensePolicy({ allowed: ['apache-2.0', 'GPL-2.0+', 'LGPL-2.1', 'licenseref-llama-3-community'] }).allowed).toEqual([
      'Apache-2.0',
      'GPL-2.0-or-later',
      'LGPL-2.1-only',
      'LicenseRef-llama-3-community',
    ]);
  });

  it('reads an OR expression in a list as naming each of its licenses', () => {
    expect(checkLicensePolicy({ denied: ['AGPL-3.0-only OR SSPL-1.0'] }).denied).toEqual(['AGPL-3.0-only', 'SSPL-1.0']);
  });

  it('keeps a license with its exception as one entry', () => {
    expect(checkLicensePolicy({ allowed: ['GPL-2.0-only WITH Classpath-exception-2.0'] }).allowed).toEqual(['GPL-2.0-only WITH Classpath-exception-2.0']);
  });

  it('refuses malformed YAML and JSON with a position, never a raw error', () => {
    expect(refusal(() => parseLicensePolicy('allowed: [MIT\n')).message).toMatch(/^The policy is not valid YAML: .* at line \d+, column \d+$/);
    expect(refusal(() => parseLicensePolicy('{"allowed": [MIT]}')).message).toMatch(/^The policy is not valid JSON: /);
  });

  it('refuses a policy larger than its limit before parsing it', () => {
    expect(refusal(() => parseLicensePolicy(`allowed: [${'MIT, '.repeat(MAX_LICENSE_POLICY_BYTES / 5)}]`)).message).toMatch(/larger than/);
  });
});

describe('refusing malformed license policies', () => {
  it('lists every violation at once: schema and entries together', () => {
    expect(
      violationsOf({
        allowed: ['MIT', 'Foo-1.0', 'MIT', 'MIT AND ISC', 7, 'GPL-3.0+', 'Apache-2.0 OR (', 'Apache-2.0 WITH'],
        denied: 'AGPL-3.0-only',
        unknown: 'maybe',
        extra: true,
      }),
    ).toEqual([
      'extra is not a known field',
      'allowed[4] must be string',
      'denied must be array',
      'unknown must be one of warn, deny',
      "allowed[1]: 'Foo-1.0' is not an SPDX license expression: 'Foo-1.0' is not an SPDX license id (a license without one is written LicenseRef-<name>)",
      "allowed[3]: 'MIT AND ISC' joins licenses with AND, which a list of acceptable or refused licenses cannot mean; list each license on its own",
      "allowed[6]: 'Apache-2.0 OR (' is not an SPDX license expression: Syntax error",
      "allowed[7]: 'Apache-2.0 WITH' is not an SPDX license expression: Expected exception after `WITH`",
      'allowed[2] names MIT again (already at allowed[0])',
    ]);
  });

  it('refuses a license that is both allowed and denied, including through -or-later and exceptions', () => {
    expect(violationsOf({ allowed: ['MIT'], denied: ['MIT'] })).toEqual(["allowed[0] allows MIT, which denied[0] (MIT) denies; a license cannot be both allowed and denied"]);
    expect(violationsOf({ allowed: ['GPL-3.0-only', 'GPL-2.0-only WITH Classpath-exception-2.0'], denied: ['GPL-2.0+'] })).toEqual([
      'allowed[0] allows GPL-3.0-only, which denied[0] (GPL-2.0-or-later) denies; a license cannot be both allowed and denied',
      'allowed[1] allows GPL-2.0-only WITH Classpath-exception-2.0, which denied[0] (GPL-2.0-or-later) denies; a license cannot be both allowed and denied',
    ]);
  });

  it('accepts an allowed entry that still allows something the denied list leaves', () => {
    // GPL-2.0-or-later still offers GPL-3.0-only; and a denied pairing with an exception leaves the bare license allowed.
    expect(() => checkLicensePolicy({ allowed: ['GPL-2.0-or-later', 'GPL-2.0-only'], denied: ['GPL-2.0-only WITH Classpath-exception-2.0'] })).not.toThrow();
    expect(() => checkLicensePolicy({ allowed: ['GPL-2.0-or-later'], denied: ['GPL-2.0-only'] })).not.toThrow();
  });

  it('treats GPL-2.0+ and GPL-2.0-or-later as the same entry', () => {
    expect(violationsOf({ denied: ['GPL-2.0+', 'GPL-2.0-or-later'] })).toEqual(['denied[1] names GPL-2.0-or-later again (already at denied[0])']);
  });

  it('refuses a document that is not a mapping', () => {
    expect(violationsOf(null)).toEqual(['policy must be object']);
    expect(refusal(() => parseLicensePolicy('- MIT\n')).extensions['violations']).toEqual(['policy must be object']);
  });

  it('does not echo a hostile entry back whole', () => {
    const [violation] = violationsOf({ allowed: [`MIT OR ${'x'.repeat(400)}`] });
    expect(violation!.length).toBeLessThan(300);
  });
});

describe('the default license policy', () => {
  it('passes its own check and denies AGPL, SSPL and BUSL while naming nothing as allowed', () => {
    expect(checkLicensePolicy(defaultLicensePolicy)).toEqual(defaultLicensePolicy);
    expect(defaultLicensePolicy.allowed).toEqual([]);
    expect(defaultLicensePolicy.denied).toEqual(expect.arrayContaining(['AGPL-3.0-only', 'AGPL-3.0-or-later', 'SSPL-1.0', 'BUSL-1.1']));
    expect(defaultLicensePolicy.unknown).toBe('warn');
  });
});
