import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ACTIVITY_KINDS } from '../../src/db/schema/index.js';
import { ingestFeature } from '../../src/http/index.js';
import { OPENAPI_PATH, openApiRoute } from '../../src/http/openapi.js';
import { canonicalFields, ENTITIES } from '../../src/ingest/schemas.js';

type Doc = {
  openapi: string;
  paths: Record<string, Record<string, { responses: Record<string, unknown>; requestBody?: unknown }>>;
  components: {
    schemas: Record<
      string,
      { properties?: Record<string, Record<string, unknown>> } & Record<string, unknown>
    >;
  };
};

describe('GET /api/v1/openapi.json', () => {
  let server: Server;
  let base = '';
  beforeAll(async () => {
    server = createServer(openApiRoute({ config: { defaultTimezone: 'Europe/Berlin' } }).handler);
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    await new Promise((r) => server.close(r));
  });

  const fetchDoc = async () => {
    const res = await fetch(`${base}${OPENAPI_PATH}`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('application/json');
    return (await res.json()) as Doc;
  };

  it('describes POST /api/v1/ingest with its request body, bearer auth and every answer', async () => {
    const doc = await fetchDoc();
    expect(doc.openapi).toBe('3.1.0');
    const post = doc.paths['/api/v1/ingest']?.post;
    expect(post?.requestBody).toEqual({
      required: true,
      content: { 'application/json': { schema: { $ref: '#/components/schemas/IngestRequest' } } },
    });
    expect(Object.keys(post?.responses ?? {}).sort()).toEqual(['200', '400', '401', '413', '415', '503']);
    expect(doc.components.schemas.IngestResult?.properties).toHaveProperty('unchanged');
  });

  it('generates one item schema per entity from the zod schemas: every canonical field, nothing else', async () => {
    const doc = await fetchDoc();
    for (const entity of ENTITIES) {
      const name = `${entity[0]!.toUpperCase()}${entity.slice(1)}Item`;
      const schema = doc.components.schemas[name];
      expect(Object.keys(schema?.properties ?? {}).sort(), entity).toEqual(
        [...canonicalFields(entity)].sort(),
      );
      expect(schema?.additionalProperties, entity).toBe(false);
      expect(doc.components.schemas[name.replace('Item', 'Batch')], entity).toBeDefined();
    }
    const kind = doc.components.schemas.ActivitiesItem?.properties?.kind;
    expect(kind?.enum).toEqual([...ACTIVITY_KINDS, null]);
    expect(doc.components.schemas.RepsItem?.properties?.email?.format).toBe('email');
    expect(doc.components.schemas.TeamsItem?.properties?.week_starts_on).toMatchObject({
      minimum: 0,
      maximum: 6,
    });
  });

  it('is one of the routes the ingest feature gives the app', () => {
    const routes = ingestFeature.routes?.({ config: { defaultTimezone: 'UTC' } } as never) ?? [];
    expect(routes.map((r) => `${r.method} ${r.path}`)).toContain(`GET ${OPENAPI_PATH}`);
  });
});
