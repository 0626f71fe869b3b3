import type { IncomingMessage, ServerResponse } from 'node:http';
import { z } from 'zod';
import { ENTITIES, type Entity, itemSchemas } from '../ingest/schemas.js';
import { WARNING_KINDS } from '../ingest/warnings.js';
import { INGEST_PATH, MAX_INGEST_BODY_BYTES, MAX_INGEST_ITEMS } from './ingest-route.js';

export const OPENAPI_PATH = '/api/v1/openapi.json';

const title = (entity: Entity) => entity[0]!.toUpperCase() + entity.slice(1);

/** The response bodies, as `src/http/ingest-route.ts` sends them. */
const itemErrorSchema = z.object({
  index: z.number().int().meta({ description: 'Position of the item in its batch (0-based).' }),
  field: z.string().nullable().meta({ description: 'Canonical field name, or null for the whole item.' }),
  message: z.string(),
  entity: z.enum(ENTITIES).optional().meta({ description: 'Set for multi-entity requests.' }),
  batch: z.number().int().optional().meta({
    description: 'Set for multi-entity requests: the position of the batch in `batches` (0-based).',
  }),
});
const itemWarningSchema = z.object({
  index: z.number().int().meta({ description: 'Position of the item in its batch (0-based).' }),
  kind: z.enum(WARNING_KINDS),
  message: z.string().meta({ description: 'What the item looked like and what to do about it.' }),
  entity: z.enum(ENTITIES).optional().meta({ description: 'Set for multi-entity requests.' }),
});
const resultSchema = z.object({
  ok: z.literal(true),
  inserted: z.number().int(),
  updated: z.number().int(),
  unchanged: z.number().int().meta({ description: 'Items identical to the stored row (replays).' }),
  warnings: z.array(itemWarningSchema).optional().meta({
    description:
      'Present when some items were written as given but look wrong: a duplicate external id (the last item with it wins, field by field; the message names its items by index, from 0), a close date before the create date, a won deal with amount ≤ 0, an open stage with a close date, an outbound touch before its lead was created.',
  }),
  summary_warnings: z
    .array(
      z.object({
        kind: z.enum(['contracts left out', 'close date read as expected', 'dates without a zone']),
        count: z.number().int(),
        message: z.string(),
      }),
    )
    .optional()
    .meta({
      description:
        "Present when, after a request that wrote contracts or accounts, some stored contracts are on accounts with no became_customer_at: ARR and ARPU count an account's contracts only once it is a customer, so these are left out until the accounts are sent with became_customer_at (kind `contracts left out`); or when the request's dates or times without a zone were read in DEFAULT_TIMEZONE while stored teams count their periods in another zone (kind `dates without a zone`); or when `close_date` was stored as the expected close of deals whose stage reads as open (kind `close date read as expected`, count: how many such stages, named in the message): a custom won or lost stage needs won_stages or lost_stages.",
    }),
  created: z
    .object({
      reps: z.array(z.object({ name: z.string(), email: z.string().nullable() })),
      teams: z.array(z.string()),
      accounts: z.array(z.string()),
    })
    .optional()
    .meta({
      description:
        'Present when a name the items referenced (owner_name, team, account) matched no stored record, so one was created: check for a misspelling ("ann" for "Ann Lee") before it splits a rep\'s numbers.',
    }),
});
const errorSchema = z.object({
  ok: z.literal(false),
  error: z.string(),
  errors: z.array(itemErrorSchema).optional(),
});

/**
 * The ingest API's OpenAPI 3.1 document, generated from the same zod schemas that validate requests
 * (`src/ingest/schemas.ts`, through zod 4's JSON Schema output). `timezone` is the deployment's
 * DEFAULT_TIMEZONE, the zone in which dates without an offset are read.
 */
export function buildIngestOpenApi(timezone: string): Record<string, unknown> {
  const schemas = itemSchemas(timezone);
  const registry = z.registry<{ id: string }>();
  const batches = ENTITIES.map((entity) => {
    registry.add(schemas[entity], { id: `${title(entity)}Item` });
    const batch = z.strictObject({
      entity: z.literal(entity),
      items: z.array(schemas[entity]).max(MAX_INGEST_ITEMS),
    });
    registry.add(batch, { id: `${title(entity)}Batch` });
    return batch;
  });
  const anyBatch = z.union(batches);
  const request = z.union([
    anyBatch,
    z.strictObject({
      batches: z.array(anyBatch).min(1).meta({ description: 'Several entities in one atomic request.' }),
    }),
  ]);
  registry.add(request, { id: 'IngestRequest' });
  registry.add(resultSchema, { id: 'IngestResult' });
  registry.add(errorSchema, { id: 'IngestError' });
  registry.add(itemErrorSchema, { id: 'ItemError' });
  const generated = z.toJSONSchema(registry, {
    io: 'input',
    unrepresentable: 'any',
    uri: (id) => `#/components/schemas/${id}`,
  });
  const components = Object.fromEntries(
    Object.entries(generated.schemas).map(([id, schema]) => {
      const { $schema: _schema, $id: _id, ...rest } = schema as Record<string, unknown>;
      return [id, rest];
    }),
  );
  const error = (description: string) => ({
    description,
    content: { 'application/json': { schema: { $ref: '#/components/schemas/IngestError' } } },
  });
  return {
    openapi: '3.1.0',
    info: {
      title: 'Tally ingest API',
      version: '1',
      description:
        'Pushes CRM records into Tally with the same validation and upserts as the CSV import (docs/data-in.md). ' +
        'A request is atomic: any invalid item → 400 and nothing is written; replays change nothing. ' +
        `At most ${MAX_INGEST_ITEMS} items and ${MAX_INGEST_BODY_BYTES} bytes per request. ` +
        'A field left out keeps the stored value; null or "" clears it.',
    },
    paths: {
      [INGEST_PATH]: {
        post: {
          operationId: 'ingest',
          summary: 'Insert or update records of one or several entities',
          security: [{ bearer: [] }],
          requestBody: {
            required: true,
            content: { 'application/json': { schema: { $ref: '#/components/schemas/IngestRequest' } } },
          },
          responses: {
            '200': {
              description: 'Written (counts per outcome).',
              content: { 'application/json': { schema: { $ref: '#/components/schemas/IngestResult' } } },
            },
            '400': error('Not JSON, not the expected envelope, or invalid items (listed in `errors`).'),
            '401': error('Missing or wrong bearer token.'),
            '413': error(`More than ${MAX_INGEST_ITEMS} items, or the body is too large.`),
            '415': error('The body is not application/json.'),
            '503': error('Ingest is disabled: TALLY_INGEST_TOKEN is not set.'),
          },
        },
      },
      [OPENAPI_PATH]: {
        get: {
          operationId: 'openapi',
          summary: 'This document',
          responses: { '200': { description: 'The OpenAPI document.', content: { 'application/json': {} } } },
        },
      },
    },
    components: {
      securitySchemes: { bearer: { type: 'http', scheme: 'bearer', description: 'TALLY_INGEST_TOKEN' } },
      schemas: components,
    },
  };
}

/**
 * `GET /api/v1/openapi.json`: the document above, public like any API description (it holds no data
 * and no secrets), built once per process.
 */
export function openApiRoute(deps: { config: { defaultTimezone: string } }): {
  path: string;
  method: string[];
  handler: (req: IncomingMessage, res: ServerResponse) => void;
} {
  let body: string | undefined;
  return {
    path: OPENAPI_PATH,
    method: ['GET'],
    handler: (_req, res) => {
      body ??= JSON.stringify(buildIngestOpenApi(deps.config.defaultTimezone));
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(body);
    },
  };
}
