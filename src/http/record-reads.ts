import type { FastifyRequest } from 'fastify';
import type { AccessAction } from '../audit/access-actions.js';
import type { AccessRecorder } from '../audit/access-recorder.js';
import { modelUrn, namespaceUrn, versionUrn } from '../catalog/urns.js';
import type { App } from './app-types.js';

type Params = Readonly<Record<string, string | number | undefined>>;
interface ReadOf {
  readonly action: AccessAction;
  readonly subject: string;
}

/** Long query strings are cut here: the subject names the read, it is not a copy of the request. */
const MAX_SUBJECT = 2048;

/** A search or listing: its subject is the path with the query, as sent. */
const search = (action: AccessAction) => (_params: Params, url: string): ReadOf => ({ action, subject: url });

/** What each read route reads, by route pattern. */
const readRoutes: Readonly<Record<string, (params: Params, url: string) => ReadOf>> = {
  '/api/v1/namespaces': search('namespaces.list'),
  '/api/v1/namespaces/:ns': (p) => ({ action: 'namespace.read', subject: namespaceUrn(String(p.ns)) }),
  '/api/v1/models': search('models.search'),
  '/api/v1/models/:ns/:name': (p) => ({ action: 'model.read', subject: modelUrn(String(p.ns), String(p.name)) }),
  '/api/v1/models/:ns/:name/versions': (p) => ({ action: 'versions.list', subject: modelUrn(String(p.ns), String(p.name)) }),
  '/api/v1/models/:ns/:name/versions/:n': (p) => ({ action: 'version.read', subject: versionUrn(String(p.ns), String(p.name), p.n as number) }),
  '/api/v1/versions': search('versions.search'),
  '/api/v1/blobs/:digest': (p) => ({ action: 'blob.read', subject: String(p.digest) }),
  '/api/v1/ledger/entries': search('ledger.read'),
  '/api/v1/ledger/checkpoint': search('ledger.read'),
  '/api/v1/ledger/proofs/inclusion': search('ledger.read'),
  '/api/v1/ledger/proofs/consistency': search('ledger.read'),
  '/api/v1/audit': search('audit.read'),
};

/** Reads without a name of their own fall back to the permission their route asks for. */
const fallback: Readonly<Record<string, AccessAction>> = {
  'catalog.read': 'catalog.read',
  'blob.read': 'blob.read',
  'ledger.read': 'ledger.read',
  'audit.read': 'audit.read',
};

function readOf(request: FastifyRequest): ReadOf {
  const describe = readRoutes[request.routeOptions.url ?? ''];
  if (describe !== undefined) return describe(request.params as Params, request.url);
  const guard = request.routeOptions.config.guard;
  const action = guard !== undefined && 'action' in guard ? fallback[guard.action] : undefined;
  return { action: action ?? 'api.read', subject: request.url };
}

/** Refused: no or a bad credential, no permission, hidden (404 from the authorizer), or over the rate limit. */
export function wasRefused(request: FastifyRequest, status: number): boolean {
  return status === 401 || status === 403 || status === 429 || request.hidden === true;
}

/**
 * Records every read of a guarded route (GET and HEAD) once its answer is
 * sent, and every refused request of any method. Accepted writes need no
 * record: their ledger entries are the change records. The hook only hands a
 * record to the recorder's buffer.
 */
export function recordReads(app: App, recorder: AccessRecorder): void {
  // onSend, not onResponse: the record is taken before the client can see the answer, so a shutdown right after it cannot lose it.
  app.addHook('onSend', async (request, reply, payload) => {
    record(request, reply.statusCode);
    return payload;
  });
  const record = (request: FastifyRequest, status: number): void => {
    const guard = request.routeOptions.config.guard;
    if (guard === undefined || 'public' in guard) return;
    const read = request.method === 'GET' || request.method === 'HEAD';
    const refused = wasRefused(request, status);
    if (!read && !refused) return;
    // A refused credential still names its holder when it was ours (revoked, expired); otherwise it is anonymous.
    const actor = request.principal?.id ?? request.refusal?.holder ?? 'anonymous';
    const { action, subject } = read ? readOf(request) : { action: 'write.refused' as const, subject: `${request.method} ${request.url}` };
    recorder.record({
      at: new Date().toISOString(),
      actor,
      action,
      subject: subject.length > MAX_SUBJECT ? subject.slice(0, MAX_SUBJECT) : subject,
      status,
    });
  };
}
