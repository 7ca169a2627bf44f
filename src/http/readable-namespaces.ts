import type { FastifyRequest } from 'fastify';
import type { Authorizer } from '../access/authorizer.js';
import { RegistryError } from '../errors/registry-error.js';

/**
 * The namespaces a list may show the caller, for SQL: undefined when it may
 * read them all. Derived from the same grants the policies read, decided once
 * per namespace the caller holds a role in, never once per row.
 */
export function readableNamespaces(request: FastifyRequest, authorizer: Authorizer): readonly string[] | undefined {
  const readable = authorizer.readableNamespaces(request.principal);
  return readable === 'all' ? undefined : readable;
}

/** A one-namespace filter the caller may not read behaves as a filter that matches nothing, like a namespace that does not exist. */
export function restrictTo(only: readonly string[] | undefined, requested: string | undefined): readonly string[] | undefined {
  if (only === undefined || requested === undefined) return only;
  return only.includes(requested) ? [requested] : [];
}

/** For answers that cannot be filtered row by row (a diff across the catalog): the caller names a namespace it may read. */
export function requireReadable(only: readonly string[] | undefined, requested: string | undefined): void {
  if (only === undefined) return;
  if (requested === undefined) {
    throw new RegistryError('forbidden', `You may read only namespaces ${only.join(', ') || '(none)'}; add namespace=<one of them>`, { extensions: { permission: 'catalog.read' } });
  }
  if (!only.includes(requested)) throw new RegistryError('not_found', `Namespace ${requested} does not exist`);
}
