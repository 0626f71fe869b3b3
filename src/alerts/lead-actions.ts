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

/**
 * Where a lead stands for the alert buttons: `open` (neither disqualified nor converted, as the nudges
 * pick leads), `disqualified` or `converted` (closed in the CRM since its alert went out), or `gone`
 * (no longer in Tally).
 */
export type LeadStanding = 'open' | 'disqualified' | 'converted' | 'gone';

/** Where `leadId` stands now (see LeadStanding); a lead both converted and disqualified reads `converted`. */
export async function leadStanding(db: Db, leadId: number): Promise<LeadStanding> {
  const [row] = await db
    .select({ convertedAt: leads.convertedAt, disqualifiedAt: leads.disqualifiedAt })
    .from(leads)
    .where(eq(leads.id, leadId));
  if (!row) return 'gone';
  if (row.convertedAt) return 'converted';
  if (row.disqualifiedAt) return 'disqualified';
  return 'open';
}

/**
 * "Snooze 15 min": holds further nudges for the lead until `until`. Only an open lead is snoozed: a closed
 * one gets no nudges anyway, so nothing is stored and its standing is returned (`open` = snoozed).
 */
export async function snoozeLeadNudges(
  db: Db,
  params: { leadId: number; byRepId: number; at: Date; until: Date },
): Promise<LeadStanding> {
  const standing = await leadStanding(db, params.leadId);
  if (standing === 'open') await snoozeLead(db, params);
  return standing;
}

/**
 * "Claim" on a channel post: the first rep to click takes the lead (noted in the ledger; the CRM owner is
 * left alone, since the next CRM sync would overwrite a reassignment anyway). Only an open lead can be
 * taken: for one disqualified, converted or gone since the post, nothing is stored and `won` is false
 * with that `standing`.
 */
export async function claimChannelLead(
  db: Db,
  params: { leadId: number; repId: number; at: Date },
): Promise<{ standing: LeadStanding; won: boolean; pickedByName: string | null }> {
  const standing = await leadStanding(db, params.leadId);
  if (standing !== 'open') return { standing, won: false, pickedByName: null };
  const result = await pickChannelLead(db, params);
  return { standing, won: result.won, pickedByName: result.pickedByName };
}
