import { describe, expect, it } from 'vitest';
import { RegistryError } from '../../src/errors/registry-error.js';
import { defaultLicensePolicy } from '../../src/licenses/default-license-policy.js';
import { evaluateLicense } from '../../src/licenses/evaluate-license.js';
import type { LicensePolicy } from '../../src/licenses/license-policy-schema.js';
import { checkLicensePolicy } from '../../src/licenses/parse-license-policy.js';

const policy = (value: Partial<LicensePolicy>): LicensePolicy => checkLicensePolicy(value);
const allowList = policy({ allowed: ['Apache-2.0', 'MIT', 'BSD-3-Clause', 'CC-BY-4.0'], denied: ['AGPL-3.0-only', 'AGPL-3.0-or-later', 'SSPL-1.0'] });
const status = (expression: string | null | undefined, p: LicensePolicy = allowList) => evaluateLicense(expression, p).status;

describe('a single license against the policy', () => {
  it('is allowed when the policy allows it, saying so', () => {
    expect(evaluateLicense('MIT', allowList)).toEqual({ status: 'allowed', reasons: ['MIT is allowed by the policy'] });
  });

  it('is denied when the policy denies it', () => {
    expect(evaluateLicense('SSPL-1.0', allowList)).toEqual({ status: 'denied', reasons: ['SSPL-1.0 is denied by the policy'] });
  });

  it('is unknown when an allow-list does not name it, and denied when the policy denies unknown licenses', () => {
    expect(evaluateLicense('ISC', allowList)).toEqual({ status: 'unknown', reasons: ["ISC is not among the policy's allowed licenses: a person must review it"] });
    expect(status('ISC', { ...allowList, unknown: 'deny' })).toBe('denied');
  });

  it('allows anything it does not deny when nothing is listed as allowed, but still flags a LicenseRef', () => {
    expect(status('ISC', defaultLicensePolicy)).toBe('allowed');
    expect(status('AGPL-3.0-only', defaultLicensePolicy)).toBe('denied');
    expect(status('BUSL-1.1', defaultLicensePolicy)).toBe('denied');
    expect(evaluateLicense('LicenseRef-llama-3-community', defaultLicensePolicy)).toEqual({
      status: 'unknown',
      reasons: ['LicenseRef-llama-3-community has no SPDX id and the policy does not name it: a person must review it'],
    });
    expect(status('LicenseRef-openrail-m', policy({ unknown: 'deny' }))).toBe('denied');
  });

  it('allows a LicenseRef the policy names, in any case', () => {
    expect(status('licenseref-Llama-3-Community', policy({ allowed: ['LicenseRef-llama-3-community'] }))).toBe('allowed');
  });

  it('reads ids case-insensitively, as model cards write them', () => {
    expect(status('apache-2.0')).toBe('allowed');
    expect(status('sspl-1.0')).toBe('denied');
  });

  it('is missing when nothing is declared', () => {
    for (const expression of [null, undefined, '', '   ', 'NOASSERTION']) {
      expect(evaluateLicense(expression, allowList)).toEqual({ status: 'missing', reasons: ['No license is declared'] });
    }
    expect(evaluateLicense('NONE', allowList)).toEqual({ status: 'missing', reasons: ['The license is NONE: no license is granted'] });
  });

  it('is invalid when the expression does not parse, naming the word at fault', () => {
    expect(evaluateLicense('openrail', allowList)).toEqual({
      status: 'invalid',
      reasons: ["'openrail' is not a valid SPDX license expression: 'openrail' is not an SPDX license id (a license without one is written LicenseRef-<name>)"],
    });
    for (const expression of ['MIT AND', 'MIT OR (', '(MIT', 'MIT WITH', 'MIT +', 'x'.repeat(5000), `${'('.repeat(1500)}MIT${')'.repeat(1500)}`]) {
      const verdict = evaluateLicense(expression, allowList);
      expect(verdict.status).toBe('invalid');
      expect(verdict.reasons.join('').length).toBeLessThan(300);
    }
  });

  it('reads deep but valid nesting within the length limit', () => {
    expect(status(`${'('.repeat(900)}MIT${')'.repeat(900)}`)).toBe('allowed');
  });
});

describe('SPDX operators', () => {
  it('accepts OR when either side is acceptable, since the licensee may choose', () => {
    expect(evaluateLicense('AGPL-3.0-only OR MIT', allowList)).toEqual({ status: 'allowed', reasons: ['MIT is allowed by the policy'] });
    expect(status('AGPL-3.0-only OR SSPL-1.0')).toBe('denied');
    expect(status('AGPL-3.0-only OR LicenseRef-x')).toBe('unknown');
  });

  it('needs both sides of AND', () => {
    expect(evaluateLicense('MIT AND AGPL-3.0-only', allowList)).toEqual({ status: 'denied', reasons: ['AGPL-3.0-only is denied by the policy'] });
    expect(status('MIT AND LicenseRef-x')).toBe('unknown');
    expect(status('MIT AND Apache-2.0')).toBe('allowed');
  });

  it('binds AND tighter than OR, and honours parentheses', () => {
    expect(status('MIT OR Apache-2.0 AND SSPL-1.0')).toBe('allowed');
    expect(status('(MIT OR Apache-2.0) AND SSPL-1.0')).toBe('denied');
    expect(status('MIT AND (SSPL-1.0 OR Apache-2.0)')).toBe('allowed');
  });

  it('judges a license WITH an exception by its license, unless the policy names the pairing', () => {
    const gpl = policy({ denied: ['GPL-2.0-only'] });
    expect(status('GPL-2.0-only WITH Classpath-exception-2.0', gpl)).toBe('denied');
    expect(status('Apache-2.0 WITH LLVM-exception')).toBe('allowed');
    const pairing = policy({ allowed: ['GPL-2.0-only WITH Classpath-exception-2.0'] });
    expect(status('GPL-2.0-only WITH Classpath-exception-2.0', pairing)).toBe('allowed');
    expect(status('GPL-2.0-only', pairing)).toBe('unknown');
  });
});

describe('or-later versions', () => {
  const policies = [
    policy({ allowed: ['GPL-2.0-only'] }),
    policy({ allowed: ['GPL-3.0-only'] }),
    policy({ denied: ['GPL-2.0-only'] }),
    policy({ denied: ['GPL-2.0-or-later'] }),
    policy({ denied: ['GPL-2.0-only', 'GPL-3.0-only'] }),
    policy({ allowed: ['MIT'], unknown: 'deny' }),
  ];

  it('treats GPL-2.0+ and GPL-2.0-or-later alike under every policy', () => {
    for (const p of policies) expect(evaluateLicense('GPL-2.0+', p)).toEqual(evaluateLicense('GPL-2.0-or-later', p));
    expect(evaluateLicense('GPL-2.0', policies[2]!)).toEqual(evaluateLicense('GPL-2.0-only', policies[2]!));
  });

  it('accepts an or-later license when a later version is acceptable', () => {
    expect(evaluateLicense('GPL-2.0-or-later', policies[1]!)).toEqual({
      status: 'allowed',
      reasons: ['GPL-2.0-or-later may be taken as GPL-3.0-only: GPL-3.0-only is allowed by the policy'],
    });
    expect(status('GPL-2.0-or-later', policies[2]!)).toBe('allowed');
  });

  it('denies an or-later license only when every listed version is denied', () => {
    expect(status('GPL-2.0-or-later', policies[3]!)).toBe('denied');
    expect(evaluateLicense('GPL-2.0+', policies[4]!).reasons).toEqual([
      'GPL-2.0-or-later offers GPL-2.0-only: GPL-2.0-only is denied by the policy',
      'GPL-2.0-or-later offers GPL-3.0-only: GPL-3.0-only is denied by the policy',
    ]);
  });

  it('lets a denied or-later entry cover every later version, citing the entry', () => {
    expect(evaluateLicense('GPL-3.0-only', policies[3]!)).toEqual({ status: 'denied', reasons: ['GPL-3.0-only is denied by the policy (as GPL-2.0-or-later)'] });
    expect(status('GPL-1.0-only', policies[3]!)).toBe('allowed');
  });

  it('does not let an allowed version cover an earlier one', () => {
    expect(status('GPL-2.0-only', policies[1]!)).toBe('unknown');
  });
});

describe('a policy that was never checked', () => {
  it('is refused as invalid_policy rather than half-applied', () => {
    const broken: LicensePolicy = { allowed: ['Not-A-License'], denied: [], unknown: 'warn' };
    expect(() => evaluateLicense('MIT', broken)).toThrow(RegistryError);
    expect(() => evaluateLicense('MIT', broken)).toThrow(/Not-A-License/);
  });
});
