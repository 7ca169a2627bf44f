import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { ByteRange } from '../../artifacts/blob-store.js';
import { parseDigest } from '../../artifacts/digest.js';
import { RegistryError } from '../../errors/registry-error.js';
import type { App, RouteDeps } from '../app-types.js';
import { blobToRead, blobToWrite, readOrInvestigate } from '../resources.js';

const tags = ['blobs'];
type DownloadRequest = FastifyRequest<{ Params: { digest: string }; Headers: { range?: string } }>;
const DigestParams = Type.Object({ digest: Type.String({ maxLength: 80, description: 'sha256:<64 lower-case hex>' }) });

/** A single `bytes=` range (RFC 9110 §14.1.2); several ranges are answered with the whole blob. */
export function parseRange(header: string | undefined, size: number): ByteRange | undefined {
  if (header === undefined) return undefined;
  const match = /^bytes=(\d*)-(\d*)$/.exec(header.trim());
  if (match === null) {
    if (/^bytes=.*,/.test(header)) return undefined;
    throw new RegistryError('range_not_satisfiable', `Range ${JSON.stringify(header)} is not a single bytes range`, { extensions: { size } });
  }
  const [, first, last] = match;
  if (first === '' && last === '') throw new RegistryError('range_not_satisfiable', 'Range needs a start or a suffix length', { extensions: { size } });
  if (first === '') {
    const suffix = Number(last);
    if (suffix === 0 || size === 0) throw new RegistryError('range_not_satisfiable', 'An empty suffix range selects nothing', { extensions: { size } });
    return { start: Math.max(0, size - suffix), end: size - 1 };
  }
  const start = Number(first);
  const end = last === '' ? size - 1 : Number(last);
  if (end < start) throw new RegistryError('range_not_satisfiable', `Range ${header} ends before it starts`, { extensions: { size } });
  if (start >= size) throw new RegistryError('range_not_satisfiable', `Range ${header} starts past the end of a ${size}-byte blob`, { extensions: { size } });
  return { start, end: Math.min(end, size - 1) };
}

export function blobRoutes(app: App, { blobs, limits }: RouteDeps): void {
  // Blob bodies are streamed to the store as they arrive, whatever their declared type: never buffered or parsed.
  app.register(async (plain) => {
    const scope = plain.withTypeProvider<TypeBoxTypeProvider>();
    scope.removeAllContentTypeParsers();
    scope.addContentTypeParser('*', (_request, _payload, done) => done(null));
    scope.put(
      '/api/v1/blobs/:digest',
      {
        config: { guard: { action: 'blob.write', resource: blobToWrite } },
        schema: {
          tags,
          summary: 'Upload a blob, streamed',
          description: 'The server hashes the body as it arrives and stores it only when the SHA-256 matches the digest in the path.',
          params: DigestParams,
          response: { 200: Type.Object({ digest: Type.String(), size: Type.Integer(), created: Type.Boolean() }), 201: Type.Object({ digest: Type.String(), size: Type.Integer(), created: Type.Boolean() }) },
        },
      },
      async (request, reply) => {
        const digest = parseDigest(request.params.digest);
        const declared = request.headers['content-length'];
        const expectedSize = declared === undefined ? undefined : Number(declared);
        if (expectedSize !== undefined && expectedSize > limits.maxBlobBytes) {
          throw new RegistryError('body_too_large', `The blob is ${expectedSize} bytes; this registry accepts at most ${limits.maxBlobBytes}`);
        }
        const { size, created } = await blobs.put(digest, request.raw, { maxBytes: limits.maxBlobBytes, expectedSize });
        reply.header('location', `/api/v1/blobs/${digest}`);
        return reply.code(created ? 201 : 200).send({ digest, size, created });
      },
    );
  });

  const download = async (request: DownloadRequest, reply: FastifyReply) => {
    const digest = parseDigest(request.params.digest);
    const stat = await blobs.stat(digest);
    if (stat === undefined) throw new RegistryError('not_found', `Blob ${digest} is not stored`);
    const range = parseRange(request.headers.range, stat.size);
    reply
      .header('accept-ranges', 'bytes')
      .header('etag', `"${digest}"`)
      .header('cache-control', 'private, max-age=31536000, immutable')
      .type('application/octet-stream');
    if (range !== undefined) reply.code(206).header('content-range', `bytes ${range.start}-${range.end}/${stat.size}`);
    const length = range === undefined ? stat.size : range.end - range.start + 1;
    reply.header('content-length', length);
    // HEAD answers with the length of what GET would send, and sends nothing.
    if (request.method === 'HEAD') return reply.send();
    return reply.send(await blobs.open(digest, range));
  };
  const schema = { tags, params: DigestParams, headers: Type.Object({ range: Type.Optional(Type.String({ maxLength: 100 })) }) };
  app.get('/api/v1/blobs/:digest', { config: { guard: { action: 'blob.read', resource: blobToRead, actionFor: readOrInvestigate } }, exposeHeadRoute: false, schema: { ...schema, summary: 'Download a blob; supports a single Range' } }, download);
  app.head('/api/v1/blobs/:digest', { config: { guard: { action: 'blob.read', resource: blobToRead, actionFor: readOrInvestigate } }, schema: { ...schema, summary: 'Size and presence of a blob' } }, download);
}
