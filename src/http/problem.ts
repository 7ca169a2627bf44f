import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import { type ErrorCode, errorCatalog, problemTypeBase } from '../errors/codes.js';
import { RegistryError } from '../errors/registry-error.js';

/** RFC 9457 problem details, with our stable `code` as an extension member. */
export interface Problem {
  readonly type: string;
  readonly title: string;
  readonly status: number;
  readonly detail: string;
  readonly instance: string;
  readonly code: ErrorCode;
  readonly [extension: string]: unknown;
}

const fastifyCodes: Readonly<Record<string, ErrorCode>> = {
  FST_ERR_CTP_BODY_TOO_LARGE: 'body_too_large',
  FST_ERR_CTP_INVALID_MEDIA_TYPE: 'unsupported_media_type',
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: 'invalid_request',
  FST_ERR_CTP_EMPTY_JSON_BODY: 'invalid_request',
  FST_ERR_CTP_INVALID_JSON_BODY: 'malformed_json',
  FST_ERR_BAD_STATUS_CODE: 'internal',
};

function validationDetail(error: FastifyError): { detail: string; errors: { in: string; path: string; message: string }[] } {
  const where = error.validationContext ?? 'request';
  const errors = (error.validation ?? []).map((v) => {
    const path = v.instancePath || '/';
    const params = v.params as { additionalProperty?: string; missingProperty?: string };
    let message = v.message ?? 'is invalid';
    if (params.additionalProperty !== undefined) message = `has unknown field ${JSON.stringify(params.additionalProperty)}`;
    return { in: where, path, message };
  });
  const first = errors[0];
  return { detail: first ? `${where} ${first.path} ${first.message}` : `The ${where} is invalid`, errors };
}

/** Turns anything thrown into a problem; only RegistryError and Fastify's own errors keep their meaning. */
export function toProblem(error: unknown, instance: string): Problem {
  let code: ErrorCode = 'internal';
  let detail = 'An unexpected error occurred; it has been logged.';
  let extensions: Record<string, unknown> = {};
  if (error instanceof RegistryError) {
    code = error.code;
    detail = error.message;
    extensions = { ...error.extensions };
  } else if (typeof error === 'object' && error !== null) {
    const fastifyError = error as FastifyError;
    if (fastifyError.validation !== undefined) {
      code = 'invalid_request';
      const described = validationDetail(fastifyError);
      detail = described.detail;
      extensions = { errors: described.errors };
    } else if (fastifyError.code !== undefined && fastifyCodes[fastifyError.code] !== undefined) {
      code = fastifyCodes[fastifyError.code]!;
      detail = fastifyError.message;
    } else if (error instanceof SyntaxError && fastifyError.statusCode === 400) {
      code = 'malformed_json';
      detail = `The body is not valid JSON: ${error.message}`;
    } else if (fastifyError.statusCode === 405) {
      code = 'method_not_allowed';
      detail = fastifyError.message;
    } else if (typeof fastifyError.statusCode === 'number' && fastifyError.statusCode >= 400 && fastifyError.statusCode < 500) {
      code = 'invalid_request';
      detail = fastifyError.message;
    }
  }
  const { status, title } = errorCatalog[code];
  return { ...extensions, type: problemTypeBase + code, title, status, detail, instance, code };
}

export function sendProblem(request: FastifyRequest, reply: FastifyReply, error: unknown): FastifyReply {
  const problem = toProblem(error, request.url);
  if (problem.status >= 500) request.log.error({ err: error }, 'request failed');
  if (problem.code === 'unauthenticated') reply.header('www-authenticate', 'Bearer realm="modelkeep"');
  return reply.code(problem.status).type('application/problem+json').send(problem);
}
