/*
 * CVSS v3.0 and v3.1 base scores, from the vector string, per the CVSS v3.1
 * Specification (FIRST.org, https://www.first.org/cvss/v3.1/specification-document)
 * §7.1 (base equations), §7.4 (metric values) and Appendix A (Roundup).
 * Temporal and environmental metrics may appear in a vector; they are
 * checked for well-formedness but do not change the base score.
 */

const baseMetrics = {
  AV: { N: 0.85, A: 0.62, L: 0.55, P: 0.2 },
  AC: { L: 0.77, H: 0.44 },
  PR: { N: 0.85, L: 0.62, H: 0.27 },
  UI: { N: 0.85, R: 0.62 },
  S: { U: 0, C: 0 },
  C: { H: 0.56, L: 0.22, N: 0 },
  I: { H: 0.56, L: 0.22, N: 0 },
  A: { H: 0.56, L: 0.22, N: 0 },
} as const satisfies Record<string, Record<string, number>>;

/** Privileges Required weighs more when the scope changes (§7.4). */
const privilegesWhenScopeChanged = { N: 0.85, L: 0.68, H: 0.5 } as const;

/** The other metrics a vector may carry, with their allowed values (X = not defined). */
const otherMetrics: Readonly<Record<string, readonly string[]>> = {
  E: ['X', 'H', 'F', 'P', 'U'],
  RL: ['X', 'U', 'W', 'T', 'O'],
  RC: ['X', 'C', 'R', 'U'],
  CR: ['X', 'H', 'M', 'L'],
  IR: ['X', 'H', 'M', 'L'],
  AR: ['X', 'H', 'M', 'L'],
  MAV: ['X', 'N', 'A', 'L', 'P'],
  MAC: ['X', 'L', 'H'],
  MPR: ['X', 'N', 'L', 'H'],
  MUI: ['X', 'N', 'R'],
  MS: ['X', 'U', 'C'],
  MC: ['X', 'N', 'L', 'H'],
  MI: ['X', 'N', 'L', 'H'],
  MA: ['X', 'N', 'L', 'H'],
};

type BaseMetric = keyof typeof baseMetrics;
type BaseValues = { [M in BaseMetric]: keyof (typeof baseMetrics)[M] };

/** The base score (0.0–10.0) of a CVSS v3.x vector, or undefined when the vector is not well-formed. */
export function cvss3BaseScore(vector: string): number | undefined {
  const parsed = parseVector(vector);
  if (parsed === undefined) return undefined;
  const { version, values } = parsed;
  const changed = values.S === 'C';
  const iss = 1 - (1 - baseMetrics.C[values.C]) * (1 - baseMetrics.I[values.I]) * (1 - baseMetrics.A[values.A]);
  const impact = changed ? 7.52 * (iss - 0.029) - 3.25 * (iss - 0.02) ** 15 : 6.42 * iss;
  const privileges = changed ? privilegesWhenScopeChanged[values.PR] : baseMetrics.PR[values.PR];
  const exploitability = 8.22 * baseMetrics.AV[values.AV] * baseMetrics.AC[values.AC] * privileges * baseMetrics.UI[values.UI];
  if (impact <= 0) return 0;
  const roundup = version === '3.0' ? roundupV30 : roundupV31;
  return roundup(Math.min((changed ? 1.08 : 1) * (impact + exploitability), 10));
}

function parseVector(vector: string): { version: '3.0' | '3.1'; values: BaseValues } | undefined {
  const [prefix, ...parts] = vector.split('/');
  const version = prefix === 'CVSS:3.1' ? '3.1' : prefix === 'CVSS:3.0' ? '3.0' : undefined;
  if (version === undefined || parts.length < Object.keys(baseMetrics).length) return undefined;
  const seen = new Map<string, string>();
  for (const part of parts) {
    const [metric, value, extra] = part.split(':');
    if (metric === undefined || value === undefined || extra !== undefined || seen.has(metric)) return undefined;
    const allowed = Object.hasOwn(baseMetrics, metric) ? Object.keys(baseMetrics[metric as BaseMetric]) : otherMetrics[metric];
    if (allowed === undefined || !allowed.includes(value)) return undefined;
    seen.set(metric, value);
  }
  const values: Partial<Record<BaseMetric, string>> = {};
  for (const metric of Object.keys(baseMetrics) as BaseMetric[]) {
    const value = seen.get(metric);
    if (value === undefined) return undefined;
    values[metric] = value;
  }
  return { version, values: values as BaseValues };
}

/**
 * CVSS v3.1 Appendix A: the smallest one-decimal number not below the input,
 * computed on integers so that floating-point noise (4.000000000000001)
 * does not push a score up a tenth.
 */
function roundupV31(input: number): number {
  const scaled = Math.round(input * 100_000);
  return scaled % 10_000 === 0 ? scaled / 100_000 : (Math.floor(scaled / 10_000) + 1) / 10;
}

/** CVSS v3.0 §7.5 defines Round up as a plain ceiling to one decimal; v3.0 vectors keep their own rule. */
const roundupV30 = (input: number): number => Math.ceil(input * 10) / 10;
