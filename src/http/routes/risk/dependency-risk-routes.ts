import type { App, RouteDeps } from '../../app-types.js';
import { advisoryRoutes } from './advisory-routes.js';
import { alertRoutes } from './alert-routes.js';
import { lineageRoutes } from './lineage-routes.js';
import { riskRoutes } from './risk-routes.js';

/** The lineage graph, dependency checks, risk scoring and alerting. */
export function dependencyRiskRoutes(app: App, deps: RouteDeps): void {
  lineageRoutes(app, deps);
  advisoryRoutes(app, deps);
  riskRoutes(app, deps);
  alertRoutes(app, deps);
}
