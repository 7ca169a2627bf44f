import { afterEach, describe, expect, it } from 'vitest';
import { postWebhook } from '../../src/alerts/post-webhook.js';
import { newWebhookSecret, verifyWebhook } from '../../src/alerts/webhook-signature.js';
import { alertEvents } from './events.js';
import { Receiver, closedPort } from './receiver.js';

const [event] = alertEvents(1) as [ReturnType<typeof alertEvents>[number]];

describe('postWebhook', () => {
  const receivers: Receiver[] = [];
  const receiver = (answer?: ConstructorParameters<typeof Receiver>[0]): Receiver => {
    const r = new Receiver(answer);
    receivers.push(r);
    return r;
  };
  afterEach(async () => {
    await Promise.all(receivers.splice(0).map((r) => r.close()));
  });

  it('posts the event as JSON, signed so the receiver verifies it, and counts a 2xx as delivered', async () => {
    const secret = newWebhookSecret();
    const hook = receiver((_request, response) => response.writeHead(202).end('thanks'));
    const outcome = await postWebhook(await hook.listen(), event, secret);
    expect(outcome).toEqual({ ok: true, status: 202 });
    const [request] = hook.requests;
    expect(request?.headers['content-type']).toBe('application/json');
    expect(request?.headers['user-agent']).toBe('ModelKeep-Webhooks/1');
    expect(request?.headers['webhook-id']).toBe(event.id);
    expect(JSON.parse(request!.body.toString())).toEqual(event);
    expect(verifyWebhook(secret, request!.headers, request!.body)).toMatchObject({ valid: true, id: event.id });
  });

  it('does not follow a redirect: a signed event is never steered to another host', async () => {
    const elsewhere = receiver();
    const target = await elsewhere.listen();
    const hook = receiver((_request, response) => response.writeHead(307, { location: target }).end());
    expect(await postWebhook(await hook.listen(), event, newWebhookSecret())).toEqual({ ok: false, status: 307, error: 'HTTP 307 (redirect not followed)' });
    expect(elsewhere.requests).toHaveLength(0);
  });

  it('reports 4xx and 5xx answers as failures with their status', async () => {
    let status = 410;
    const hook = receiver((_request, response) => response.writeHead(status).end('x'.repeat(100_000)));
    const url = await hook.listen();
    expect(await postWebhook(url, event, newWebhookSecret())).toEqual({ ok: false, status: 410, error: 'HTTP 410' });
    status = 503;
    expect(await postWebhook(url, event, newWebhookSecret())).toEqual({ ok: false, status: 503, error: 'HTTP 503' });
  });

  it('gives up on a receiver that does not answer within the timeout', async () => {
    const hook = receiver(() => undefined);
    const started = Date.now();
    expect(await postWebhook(await hook.listen(), event, newWebhookSecret(), { timeoutMs: 100 })).toEqual({ ok: false, error: 'timed out after 100 ms' });
    expect(Date.now() - started).toBeLessThan(1000);
  });

  it('reports a refused connection, and a URL it will not post to, without throwing', async () => {
    expect(await postWebhook(`http://127.0.0.1:${await closedPort()}/hook`, event, newWebhookSecret())).toEqual({ ok: false, error: 'connection refused' });
    expect(await postWebhook('file:///etc/passwd', event, newWebhookSecret())).toEqual({ ok: false, error: 'unsupported URL scheme file:' });
    expect((await postWebhook('not a url', event, newWebhookSecret())).ok).toBe(false);
    expect((await postWebhook('http://127.0.0.1:1/hook', event, 'not-a-secret')).error).toMatch(/whsec_/);
  });
});
