import { eq } from 'drizzle-orm';
import type { Db } from '../db/client.js';
import { leads } from '../db/schema/index.js';
import { recordTouch, UnknownLeadError } from '../ingest/first-touch.js';
import { CONTACTED_TOUCH_PREFIX, pickChannelLead, snoozeLead } from './nudge-queries.js';

/**
 * "Contacted": an outbound call by `repId` at `at`, through the shared ingest write path, so
 * `leads.first_touch_at` (response-time metrics) and nudges see it at once. One touch per lead from this
 * button: a double click or a second rep clicking later records nothing new. False when the lead is gone.
 */
export async function markLeadContacted(
  db: Db,
  params: { leadId: number; repId: number; at: Date },
): Promise<boolean> {
  try {
    await recordTouch(db, {
      leadId: params.leadId,
      repId: params.repId,
      kind: 'call',
      at: params.at,
      externalId: `${CONTACTED_TOUCH_PREFIX}${params.leadId}`,
      source: 'slack',
    });
    return true;
  } catch (err) {
    if (err instanceof UnknownLeadError) return false;
    throw err;
  }
}

/** "Snooze 15 min": holds further nudges for the lead until `until`. False when the lead is gone. */
export async function snoozeLeadNudges(
  db: Db,
  params: { leadId: number; byRepId: number; at: Date; until: Date },
): Promise<boolean> {
  const found = await db.select({ id: leads.id }).from(leads).where(eq(leads.id, params.leadId));
  if (found.length === 0) return false;
  await snoozeLead(db, params);
  return true;
}

/**
 * "Claim" on a channel post: the first rep to click takes the lead (noted in the ledger; the CRM owner is
 * left alone, since the next CRM sync would overwrite a reassignment anyway).
 */
export async function claimChannelLead(
  db: Db,
  params: { leadId: number; repId: number; at: Date },
): Promise<{ won: boolean; pickedByName: string | null }> {
  const result = await pickChannelLead(db, params);
  return { won: result.won, pickedByName: result.pickedByName };
}
