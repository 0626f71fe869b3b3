import type { Feature } from '../core/types.js';
import { ingestRoute } from './ingest-route.js';

/** The ingest API's contribution to the service: `POST /api/v1/ingest` (HTTP mode). */
export const ingestFeature: Feature = {
  name: 'ingest',
  routes: (deps) => [ingestRoute(deps)],
};
