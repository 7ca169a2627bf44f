import { biasFindings, edgeCasePerformance, staleValidation } from './evidence-signals.js';
import { licenseConflicts, openIncidents, vulnerabilities } from './finding-signals.js';
import { customerExposure, dataSensitivity, regulatoryImpact } from './profile-signals.js';
import type { RiskFacts } from './risk-facts.js';
import type { RiskSignal, SignalSettings } from './rubric-types.js';
import type { SignalReading } from './signal-scales.js';

/*
 * Every signal is a pure function of the facts and its own settings, giving a
 * value in 0..1 and the sentence that explains it. The scorer weighs them.
 */

export type { SignalReading } from './signal-scales.js';
export { biasFindings, customerExposure, dataSensitivity, edgeCasePerformance, licenseConflicts, openIncidents, regulatoryImpact, staleValidation, vulnerabilities };

export type SignalReader<K extends RiskSignal> = (facts: RiskFacts, settings: SignalSettings[K]) => SignalReading;

export const signalReaders: { readonly [K in RiskSignal]: SignalReader<K> } = {
  dataSensitivity,
  customerExposure,
  regulatoryImpact,
  edgeCasePerformance,
  biasFindings,
  vulnerabilities,
  licenseConflicts,
  staleValidation,
  openIncidents,
};
