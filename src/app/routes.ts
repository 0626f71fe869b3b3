import type { CustomRoute } from '@slack/bolt';
import type { Deps } from '../deps.js';

/**
 * Non-Slack HTTP routes mounted beside /slack/events in HTTP mode: the ingest API
 * (`POST /api/v1/ingest`, from src/http/ingest-route.ts).
 */
export async function ingestRoutes(deps: Deps): Promise<CustomRoute[]> {
  void deps;
  return [];
}
