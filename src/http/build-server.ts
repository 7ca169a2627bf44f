import swagger from '@fastify/swagger';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { Ajv } from 'ajv';
import addFormatsModule from 'ajv-formats';
import Fastify, { type FastifyServerOptions } from 'fastify';
import type { AccessRecorder } from '../audit/access-recorder.js';
import { errorCatalog } from '../errors/codes.js';
import { RegistryError } from '../errors/registry-error.js';
import type { App, RouteDeps } from './app-types.js';
import { authenticateRequest, authorizeRequest, refuseUnauthenticated } from './authenticate.js';
import { sendProblem } from './problem.js';
import { recordReads } from './record-reads.js';
import { clearingCachesOnChange } from './clear-caches.js';
import { redactSensitive, SensitiveFieldCache } from './redact-sensitive.js';
import { watchAccess } from './watch-access.js';
import { AnomalyDetector } from '../security/anomaly-detector.js';
import { DEFAULT_RATE_LIMIT_PER_MINUTE, limitRate } from './limit-rate.js';
import { blobRoutes } from './routes/blob-routes.js';
import { diffRoutes } from './routes/diff-routes.js';
import { ProblemSchema, problemResponse } from './routes/common-schemas.js';
import { healthRoutes } from './routes/health-routes.js';
import { ledgerRoutes } from './routes/ledger-routes.js';
import { auditRoutes } from './routes/audit-routes.js';
import { ledgerProofRoutes } from './routes/ledger-proof-routes.js';
import { modelRoutes } from './routes/model-routes.js';
import { namespaceRoutes } from './routes/namespace-routes.js';
import { tokenRoutes } from './routes/token-routes.js';
import { accessRoutes } from './routes/access-routes.js';
import { governanceRoutes } from './routes/governance/governance-routes.js';
import { dependencyRiskRoutes } from './routes/risk/dependency-risk-routes.js';
import { versionRoutes } from './routes/version-routes.js';

const addFormats = ((addFormatsModule as unknown as { default?: unknown }).default ?? addFormatsModule) as (ajv: Ajv) => Ajv;

export interface ServerDeps extends Omit<RouteDeps, 'limits' | 'clock' | 'sensitiveFields'> {
  readonly clock?: () => Date;
  readonly version: string;
  readonly logger?: FastifyServerOptions['logger'];
  /** JSON bodies; blobs have their own limit. */
  readonly bodyLimit?: number;
  readonly maxBlobBytes?: number;
  /** Where every authenticated read is recorded (the access log). */
  readonly access: AccessRecorder;
  /** Watches for unusual access; a fresh one by default. */
  readonly detector?: AnomalyDetector;
  /** Requests per principal per minute; 0: no limit. */
  readonly rateLimitPerMinute?: number | undefined;
  /** Serve HTTPS with this certificate chain and key (PEM). */
  readonly https?: { readonly cert: Buffer; readonly key: Buffer } | undefined;
}

/*
 * Two validators: bodies are checked strictly (no coercion, unknown fields
 * refused); query strings and path parameters arrive as text, so numbers and
 * booleans there are coerced. Neither ever strips fields silently.
 */
function validators() {
  const base = { allErrors: false, removeAdditional: false, useDefaults: true, strict: false } as const;
  const strict = addFormats(new Ajv({ ...base, coerceTypes: false }));
  const coercing = addFormats(new Ajv({ ...base, coerceTypes: 'array' }));
  return ({ schema, httpPart }: { schema: object; httpPart?: string }) =>
    (httpPart === 'body' ? strict : coercing).compile(schema);
}

export async function buildServer(deps: ServerDeps): Promise<App> {
  const app = Fastify({
    logger: deps.logger ?? false,
    bodyLimit: deps.bodyLimit ?? 1024 * 1024,
    routerOptions: { maxParamLength: 200 },
    return503OnClosing: true,
    forceCloseConnections: true,
    ...(deps.https === undefined ? {} : { https: { cert: deps.https.cert, key: deps.https.key, minVersion: 'TLSv1.2' as const } }),
  }).withTypeProvider<TypeBoxTypeProvider>() as unknown as App;
  app.setValidatorCompiler(validators());
  app.addSchema(ProblemSchema);

  await app.register(swagger, {
    openapi: {
      openapi: '3.1.0',
      info: {
        title: 'ModelKeep',
        version: deps.version,
        description: `AI model registry and governance API. Errors are RFC 9457 problems whose \`code\` is one of: ${Object.keys(errorCatalog).join(', ')}.`,
      },
      components: { securitySchemes: { bearer: { type: 'http', scheme: 'bearer' } } },
      security: [{ bearer: [] }],
    },
    // Shared schemas appear under their own $id ("Problem"), not a generated name.
    refResolver: { buildLocalReference: (json, _baseUri, _fragment, i) => (typeof json.$id === 'string' ? json.$id : `def-${i}`) },
    // In the document only (not in serialisation): every route may answer with a problem.
    transform: ({ schema, url }) => {
      if (schema === undefined || schema === null) return { schema, url };
      const response = { ...((schema as { response?: object }).response ?? {}), '4XX': problemResponse, '5XX': problemResponse };
      return { schema: { ...schema, response } as typeof schema, url };
    },
  });

  app.decorateRequest('principal', undefined as never);
  app.setErrorHandler((error, request, reply) => sendProblem(request, reply, error));
  app.setNotFoundHandler((request, reply) =>
    sendProblem(request, reply, new RegistryError('not_found', `No route ${request.method} ${request.url.split('?')[0]}`)),
  );
  app.addHook('onRoute', (route) => {
    if (route.config?.guard === undefined && !route.url.startsWith('/documentation')) {
      throw new Error(`route ${route.method} ${route.url} declares no guard`);
    }
  });
  const { version: _version, logger: _logger, bodyLimit: _bodyLimit, maxBlobBytes, access: _access, detector: _detector, rateLimitPerMinute: _rate, https: _https, clock, ...services } = deps;
  const sensitive = new SensitiveFieldCache(deps.store);
  const routeDeps: RouteDeps = {
    ...services,
    writer: clearingCachesOnChange(deps.writer, [
      { changedBy: /^(binding|group|elevation)\./, clear: () => deps.tokens.grants.invalidate() },
    ]),
    sensitiveFields: sensitive,
    clock: clock ?? (() => new Date()),
    limits: { maxBlobBytes: maxBlobBytes ?? 64 * 1024 ** 3 },
  };
  // onRequest: before any body is read, so an unauthenticated client cannot make the server parse or store anything.
  app.addHook('onRequest', async (request) => authenticateRequest(request, deps.authenticator));
  // Counted between the two, so refused credentials spend their address's budget.
  if (deps.rateLimitPerMinute !== 0) await limitRate(app, deps.rateLimitPerMinute ?? DEFAULT_RATE_LIMIT_PER_MINUTE);
  app.addHook('onRequest', refuseUnauthenticated);
  // preHandler: once the input is valid, the authorizer decides the route's action on its resource.
  app.addHook('preHandler', async (request) => authorizeRequest(request, deps.authorizer, routeDeps));
  recordReads(app, deps.access);
  redactSensitive(app, sensitive, deps.authorizer);
  watchAccess(app, deps.detector ?? new AnomalyDetector(), deps.writer, (error) => app.log.error({ err: error }, 'could not record a security event'));
  healthRoutes(app, routeDeps);
  namespaceRoutes(app, routeDeps);
  modelRoutes(app, routeDeps);
  versionRoutes(app, routeDeps);
  diffRoutes(app, routeDeps);
  blobRoutes(app, routeDeps);
  ledgerRoutes(app, routeDeps);
  ledgerProofRoutes(app, routeDeps);
  auditRoutes(app, routeDeps);
  tokenRoutes(app, routeDeps);
  accessRoutes(app, routeDeps);
  governanceRoutes(app, routeDeps);
  dependencyRiskRoutes(app, routeDeps);
  app.get('/api/v1/openapi.json', { config: { guard: { action: 'self.read' } }, schema: { hide: true } }, async () => app.swagger());
  return app;
}
