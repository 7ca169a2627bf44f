/**
 * The closed set of error codes ModelKeep answers with. Each code has one HTTP
 * status, one problem title and one CLI exit code; clients branch on `code`,
 * never on the human-readable detail.
 */
export const errorCatalog = {
  invalid_request: { status: 400, exit: 6, title: 'The request is not valid' },
  malformed_json: { status: 400, exit: 6, title: 'The body is not well-formed JSON' },
  unsafe_path: { status: 400, exit: 6, title: 'An artifact path escapes the model folder' },
  invalid_metadata: { status: 422, exit: 6, title: 'The metadata does not satisfy its schema' },
  invalid_policy: { status: 422, exit: 6, title: 'The policy is not valid' },
  unauthenticated: { status: 401, exit: 5, title: 'Authentication is required' },
  forbidden: { status: 403, exit: 5, title: 'The caller may not do this' },
  not_found: { status: 404, exit: 3, title: 'No such resource' },
  already_exists: { status: 409, exit: 4, title: 'The resource already exists' },
  immutable: { status: 409, exit: 4, title: 'The resource is published and cannot change' },
  invalid_state: { status: 409, exit: 4, title: 'The resource is not in a state that allows this' },
  schema_incompatible: { status: 409, exit: 4, title: 'The schema would invalidate published records' },
  version_conflict: { status: 412, exit: 4, title: 'The resource changed since it was read' },
  precondition_required: { status: 428, exit: 6, title: 'An If-Match header is required' },
  idempotency_key_reused: { status: 422, exit: 6, title: 'The Idempotency-Key was used for a different request' },
  digest_mismatch: { status: 422, exit: 7, title: 'The content does not match its digest' },
  blobs_missing: { status: 422, exit: 7, title: 'Blobs named in the manifest have not been uploaded' },
  size_mismatch: { status: 422, exit: 7, title: 'A manifest size does not match the stored blob' },
  gate_failed: { status: 422, exit: 9, title: 'The promotion gate does not pass' },
  verification_failed: { status: 409, exit: 8, title: 'A signature or proof does not verify: evidence of tampering' },
  body_too_large: { status: 413, exit: 6, title: 'The request body is too large' },
  unsupported_media_type: { status: 415, exit: 6, title: 'The content type is not accepted here' },
  range_not_satisfiable: { status: 416, exit: 6, title: 'The requested range is outside the blob' },
  method_not_allowed: { status: 405, exit: 6, title: 'The method is not allowed on this resource' },
  rate_limited: { status: 429, exit: 10, title: 'Too many requests from this principal; slow down' },
  unavailable: { status: 503, exit: 10, title: 'The registry cannot serve this now' },
  internal: { status: 500, exit: 1, title: 'The registry failed unexpectedly' },
} as const satisfies Record<string, { status: number; exit: number; title: string }>;

export type ErrorCode = keyof typeof errorCatalog;

export const errorCodes = Object.keys(errorCatalog) as ErrorCode[];

export function isErrorCode(value: unknown): value is ErrorCode {
  return typeof value === 'string' && Object.hasOwn(errorCatalog, value);
}

/** Where the problem type URIs live; stable so clients may link to them. */
export const problemTypeBase = 'https://modelkeep.dev/problems/';
