import type { AlertEvent } from '../../src/alerts/alert-event.js';

export function alertEvents(count: number, from = 1): AlertEvent[] {
  return Array.from({ length: count }, (_, i) => ({
    id: `evt_${from + i}`,
    seq: from + i,
    type: 'dependency.vulnerable',
    subject: `urn:modelkeep:model:acme/fraud@1.${from + i}.0`,
    occurredAt: new Date(Date.UTC(2025, 0, 1, 0, 0, from + i)).toISOString(),
    data: { package: 'pkg:pypi/torch@2.0.0', advisory: `GHSA-${from + i}` },
  }));
}
