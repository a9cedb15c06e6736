import { describe, expect, inject, it } from 'vitest';
import { localCognitoClient } from '../../local/cognito.js';
import { listAppClients } from '../support/cognito-app-clients.js';

/**
 * Browser-based MCP clients (the Inspector's UI) register from a web page. The local stage allows
 * the Inspector's origin (allowedOrigins); any other origin is refused before anything is created.
 */
describe('CORS on the registration endpoints', () => {
  const stack = inject('stack');
  const inspector = 'http://localhost:6274';
  const metadata = (name: string) =>
    JSON.stringify({ client_name: name, redirect_uris: ['http://localhost:6274/oauth/callback'] });

  it('answers the preflight of an allowed origin, without credentials', async () => {
    const response = await fetch(`${stack.baseUrl}/register`, {
      method: 'OPTIONS',
      headers: { Origin: inspector, 'Access-Control-Request-Method': 'POST', 'Access-Control-Request-Headers': 'content-type' },
    });
    expect(response.status).toBe(204);
    expect(response.headers.get('access-control-allow-origin')).toBe(inspector);
    expect(response.headers.get('access-control-allow-methods')).toContain('POST');
    expect(response.headers.get('access-control-allow-headers')?.toLowerCase()).toContain('content-type');
    expect(response.headers.get('access-control-allow-credentials')).toBeNull();
  });

  it('lets an allowed origin register and read the answer', async () => {
    const response = await fetch(`${stack.baseUrl}/register`, {
      method: 'POST',
      headers: { Origin: inspector, 'Content-Type': 'application/json' },
      body: metadata('cors allowed origin'),
    });
    expect(response.status).toBe(201);
    expect(response.headers.get('access-control-allow-origin')).toBe(inspector);
    expect(response.headers.get('vary')).toContain('Origin');
  });

  it('refuses another origin with 403 and registers nothing', async () => {
    const name = `cors refused ${crypto.randomUUID()}`;
    const response = await fetch(`${stack.baseUrl}/register`, {
      method: 'POST',
      headers: { Origin: 'https://evil.example.com', 'Content-Type': 'application/json' },
      body: metadata(name),
    });
    expect(response.status).toBe(403);
    expect(await response.json()).toEqual({ error: 'access_denied', error_description: expect.any(String) });
    expect(response.headers.get('access-control-allow-origin')).toBeNull();
    const preflight = await fetch(`${stack.baseUrl}/register`, {
      method: 'OPTIONS',
      headers: { Origin: 'https://evil.example.com', 'Access-Control-Request-Method': 'POST' },
    });
    expect(preflight.headers.get('access-control-allow-origin')).toBeNull();
    const cognito = localCognitoClient(stack.cognitoEndpoint);
    try {
      const names = (await listAppClients(cognito, stack.userPoolId)).map((client) => client.ClientName ?? '');
      expect(names.length).toBeGreaterThan(0);
      expect(names).not.toContain(`dcr ${name}`);
    } finally {
      cognito.destroy();
    }
  });

  it('leaves requests without an Origin (native clients) as they were', async () => {
    const response = await fetch(`${stack.baseUrl}/register`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: metadata('native client'),
    });
    expect(response.status).toBe(201);
    expect(response.headers.get('access-control-allow-origin')).toBeNull();
  });
});
