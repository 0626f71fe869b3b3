import type { Feature } from '../core/types.js';
import { ingestRoute } from './ingest-route.js';
import { openApiRoute } from './openapi.js';

/** The ingest API's contribution to the service (HTTP mode): `POST /api/v1/ingest` and its OpenAPI document. */
export const ingestFeature: Feature = {
  name: 'ingest',
  routes: (deps) => [ingestRoute(deps), openApiRoute(deps)],
};
