import type { App, RouteDeps } from '../../app-types.js';
import { attestationRoutes } from './attestation-routes.js';
import { changeRoutes } from './change-routes.js';
import { deploymentRoutes } from './deployment-routes.js';
import { gatePolicyRoutes } from './gate-policy-routes.js';
import { lifecycleRoutes } from './lifecycle-routes.js';
import { promotionRoutes } from './promotion-routes.js';

/** Lifecycle, gates, approvals, deployments, quarantine and change control. */
export function governanceRoutes(app: App, deps: RouteDeps): void {
  attestationRoutes(app, deps);
  gatePolicyRoutes(app, deps);
  promotionRoutes(app, deps);
  deploymentRoutes(app, deps);
  lifecycleRoutes(app, deps);
  changeRoutes(app, deps);
}
