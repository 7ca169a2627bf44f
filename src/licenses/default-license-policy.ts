import type { LicensePolicy } from './license-policy-schema.js';

/**
 * The built-in license policy, used where no administrator set one. It names
 * nothing as allowed, so any SPDX license that is not denied passes, and it
 * refuses what organisations commonly refuse for models they run internally
 * or serve: the network-copyleft AGPL (serving the model over a network
 * obliges publishing it), and the source-available SSPL and BUSL. A license
 * without an SPDX id is flagged for a person to read, not refused.
 */
export const defaultLicensePolicy: LicensePolicy = Object.freeze({
  allowed: Object.freeze([]),
  denied: Object.freeze(['AGPL-1.0-only', 'AGPL-1.0-or-later', 'AGPL-3.0-only', 'AGPL-3.0-or-later', 'SSPL-1.0', 'BUSL-1.1']),
  unknown: 'warn',
});
