import { ModelKeepApiError } from '../../src/sdk/api-error.js';

/** Awaits a call that must fail with an API error, and returns that error. */
export async function failure(promise: Promise<unknown>): Promise<ModelKeepApiError> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof ModelKeepApiError) return error;
    throw error;
  }
  throw new Error('expected the call to fail');
}
