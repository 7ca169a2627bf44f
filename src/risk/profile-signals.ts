import type { Level, RiskFacts } from './risk-facts.js';
import type { SignalSettings } from './rubric-types.js';
import { countedAs, levelValue, type SignalReading, worstBy } from './signal-scales.js';

/* Signals read from what the model is and what it was trained on. */

/** The most sensitive training dataset or the declared sensitivity, whichever is higher; PII counts as high. */
export function dataSensitivity(facts: RiskFacts, settings: SignalSettings['dataSensitivity']): SignalReading {
  const readings: SignalReading[] = facts.datasets.map((dataset) => {
    if (dataset.pii === true) return { value: levelValue.high, reason: `trained on ${dataset.urn} (PII)` };
    if (dataset.sensitivity) return { value: levelValue[dataset.sensitivity], reason: `trained on ${dataset.urn} (${dataset.sensitivity} sensitivity)` };
    // An unclassified dataset is unknown, not harmless.
    return { value: settings.whenMissing, reason: `trained on ${dataset.urn} (sensitivity not recorded) ${countedAs(settings.whenMissing)}` };
  });
  const declared = facts.profile.sensitivity;
  if (declared) readings.push({ value: levelValue[declared], reason: `the risk profile declares ${declared} sensitivity` });
  const worst = worstBy(readings, (r) => r.value);
  if (worst === undefined) {
    return { value: settings.whenMissing, reason: `no training data recorded and no sensitivity declared ${countedAs(settings.whenMissing)}` };
  }
  const alike = readings.filter((r) => r.value === worst.value).length - 1;
  return { value: worst.value, reason: alike === 0 ? worst.reason : `${worst.reason}, and ${alike} more as sensitive` };
}

const declaredLevel =
  (key: 'customerExposure' | 'regulatoryImpact', label: string) =>
  (facts: RiskFacts, settings: SignalSettings[typeof key]): SignalReading => {
    const level: Level | undefined = facts.profile[key];
    if (level === undefined) return { value: settings.whenMissing, reason: `${label} not declared in the risk profile ${countedAs(settings.whenMissing)}` };
    return { value: levelValue[level], reason: `${label} ${level} (risk profile)` };
  };

export const customerExposure = declaredLevel('customerExposure', 'customer exposure');
export const regulatoryImpact = declaredLevel('regulatoryImpact', 'regulatory impact');
