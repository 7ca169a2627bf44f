import { type Static, Type } from '@sinclair/typebox';

/*
 * The license policy's shape, written once: checkLicensePolicy validates with
 * it and a route can put it in the OpenAPI document. What JSON Schema cannot
 * say (an id that is not on the SPDX list, a license both allowed and denied)
 * is checked in parse-license-policy.ts.
 */

export const unknownLicenseActions = ['warn', 'deny'] as const;
export type UnknownLicenseAction = (typeof unknownLicenseActions)[number];

const licenseList = (description: string) =>
  Type.Array(Type.String({ minLength: 1, maxLength: 500 }), { maxItems: 1000, description });

export const LicensePolicySchema = Type.Object(
  {
    allowed: Type.Optional(
      licenseList('SPDX ids or expressions (`GPL-2.0-or-later`, `LicenseRef-…`) that are acceptable; when empty or absent, anything not denied is.'),
    ),
    denied: Type.Optional(licenseList('SPDX ids or expressions that are refused; denial wins over allowance.')),
    unknown: Type.Optional(
      Type.Union(
        unknownLicenseActions.map((a) => Type.Literal(a)),
        { description: 'What a `LicenseRef-…`, or a license the policy does not name, gets: `warn` (status unknown, the default) or `deny`.' },
      ),
    ),
  },
  { additionalProperties: false },
);

export type LicensePolicyDocument = Static<typeof LicensePolicySchema>;

/** A checked policy: every list present, every entry one SPDX license term as SPDX writes it today. */
export interface LicensePolicy {
  readonly allowed: readonly string[];
  readonly denied: readonly string[];
  readonly unknown: UnknownLicenseAction;
}
