import { AsOf as AsOfSchema } from '../http/routes/common-schemas.js';
import type { AsOf } from './types.js';

// The server's own pattern, so a point refused here is exactly one the server would refuse.
const POINT = new RegExp(AsOfSchema.pattern!);

/**
 * A point in the registry's history as the API takes it: a ledger sequence
 * number as digits, or an ISO-8601 time (a Date is sent as UTC ISO).
 * Throws a TypeError naming the expected form, so a typo fails before any request.
 */
export function asOfParam(asOf: AsOf): string {
  if (asOf instanceof Date) {
    if (Number.isNaN(asOf.getTime())) throw new TypeError('asOf is an invalid Date');
    return asOf.toISOString();
  }
  if (typeof asOf === 'number') {
    if (!Number.isInteger(asOf) || asOf < 0 || !POINT.test(String(asOf))) throw new TypeError(`asOf ${asOf} is not a ledger sequence number (a whole number from 0)`);
    return String(asOf);
  }
  if (asOf.length > AsOfSchema.maxLength! || !POINT.test(asOf) || (!/^\d+$/.test(asOf) && Number.isNaN(Date.parse(asOf)))) {
    throw new TypeError(`${JSON.stringify(asOf)} is not a point in the registry's history; expected a ledger sequence number or an ISO time, e.g. 2026-11-22T10:00:00Z`);
  }
  return asOf;
}

/** The `asOf` query member of a read, absent when reading the present. */
export const asOfQuery = (asOf: AsOf | undefined): { asOf?: string } => (asOf === undefined ? {} : { asOf: asOfParam(asOf) });
