import type { App, BlockAction, ButtonAction } from '@slack/bolt';
import type { KnownBlock } from '@slack/types';
import type { WebClient } from '@slack/web-api';
import type { Deps } from '../../deps.js';
import { describeError } from '../../errors.js';
import { clipName } from '../../names.js';
import { COULD_NOT_SAVE } from '../../slack/blocks/notice.js';
import { enforceLimits } from '../../slack/limits.js';
import { showName } from '../../slack/mrkdwn.js';
import { retryingRespond } from '../../slack/respond.js';
import { claimChannelLead, type LeadStanding, markLeadContacted, snoozeLeadNudges } from '../lead-actions.js';
import { findRepBySlackUser, getLeadButtonStates, type LeadActor } from '../nudge-queries.js';
import {
  ACTION_CLAIM,
  ACTION_CONTACTED,
  ACTION_SNOOZE,
  clickNote,
  leadIdsOf,
  replaceLeadButtons,
  setOwnerLeadBlocks,
  setOwnerNudgeWaiting,
} from './nudge-blocks.js';

/** How long "Snooze 15 min" holds further nudges for a lead. */
export const SNOOZE_SECONDS = 15 * 60;

export type AlertClick = 'contacted' | 'snoozed' | 'claimed';

/** What a click did: a note replacing that lead's buttons, or a short message only the clicker sees. */
export type ClickOutcome = { kind: 'update'; note: string } | { kind: 'ephemeral'; text: string };

/**
 * Slack's `<!date^…>` token renders the time in each viewer's own zone (with the fallback where it can't),
 * so a channel message shows every reader their local time.
 */
function slackTime(at: Date): string {
  const unix = Math.floor(at.getTime() / 1000);
  return `<!date^${unix}^{time}|${at.toISOString().slice(11, 16)} UTC>`;
}

const LEAD_GONE = 'That lead no longer exists in Tally.';

/**
 * For a click by a rep whose profile is deactivated (`active` false on the reps row): nothing is recorded
 * in their name, and an admin can reactivate them (docs/data-in.md, `active`).
 */
const DEACTIVATED_CLICK =
  'Your Tally profile is deactivated, so nothing was saved for this lead. If that is a mistake, ask a Tally admin to reactivate it: they import your row of the reps CSV with `active` set to `yes` or send it with `"active": true` through the ingest API.';

/** Why nothing was done for a lead that is no longer open (`then`: what the button would have done). */
function notOpen(standing: Exclude<LeadStanding, 'open'>, then: string): string {
  if (standing === 'gone') return LEAD_GONE;
  return `That lead was ${standing} in the CRM after this alert went out, so ${then}; nothing was saved.`;
}

/**
 * Handles one alert button for `leadId` clicked by `slackUserId` at `now`: "Contacted" records a touch
 * through the ingest write path, "Snooze" holds further nudges 15 minutes, "Claim" takes a channel lead
 * (first click wins). A rep whose profile is deactivated is told so and nothing is recorded; "Snooze" and
 * "Claim" on a lead disqualified or converted since the alert say so and store nothing ("Contacted" still
 * logs the call: a touch made is a fact, whatever became of the lead). Never throws for bad input.
 */
export async function handleAlertClick(
  deps: Deps,
  click: AlertClick,
  params: { leadId: number; slackUserId: string; now: Date },
): Promise<ClickOutcome> {
  const rep = await findRepBySlackUser(deps.db, params.slackUserId);
  if (!rep)
    return { kind: 'ephemeral', text: "Tally doesn't know you yet; ask an admin to add you as a rep." };
  if (!rep.active) return { kind: 'ephemeral', text: DEACTIVATED_CLICK };
  const { leadId, slackUserId, now } = params;
  switch (click) {
    case 'contacted': {
      const done = await markLeadContacted(deps.db, { leadId, repId: rep.id, at: now });
      if (!done) return { kind: 'ephemeral', text: LEAD_GONE };
      // The lead's one touch: a second click finds the first clicker's, kept as it was (fresh tester
      // helper-221: "logged by" named the second clicker, though the touch stayed the first one's).
      const stored = (await getLeadButtonStates(deps.db, [leadId], now)).get(leadId)?.contacted;
      return {
        kind: 'update',
        note: stored
          ? clickNote('contacted', actorName(stored), slackTime(stored.at))
          : clickNote('contacted', slackUserId, slackTime(now)),
      };
    }
    case 'snoozed': {
      const until = new Date(now.getTime() + SNOOZE_SECONDS * 1000);
      const standing = await snoozeLeadNudges(deps.db, { leadId, byRepId: rep.id, at: now, until });
      if (standing !== 'open')
        return { kind: 'ephemeral', text: notOpen(standing, 'no more nudges go out about it') };
      return { kind: 'update', note: clickNote('snoozed', slackUserId, slackTime(until)) };
    }
    case 'claimed': {
      const result = await claimChannelLead(deps.db, { leadId, repId: rep.id, at: now });
      if (result.standing !== 'open')
        return { kind: 'ephemeral', text: notOpen(result.standing, 'it can no longer be claimed') };
      if (result.won) return { kind: 'update', note: clickNote('claimed', slackUserId, slackTime(now)) };
      const who = showName(result.pickedByName ?? 'Someone else');
      return { kind: 'ephemeral', text: `${who} already claimed this lead.` };
    }
  }
}

const CLICKS: [RegExp, AlertClick][] = [
  [new RegExp(`^${ACTION_CONTACTED}(#\\d+)?$`), 'contacted'],
  [new RegExp(`^${ACTION_SNOOZE}(#\\d+)?$`), 'snoozed'],
  [new RegExp(`^${ACTION_CLAIM}(#\\d+)?$`), 'claimed'],
];

/** Registers the alert buttons on the Bolt app (listed in `alertsFeature`). */
export function registerAlertActions(app: App, deps: Deps): void {
  for (const [pattern, click] of CLICKS) {
    app.action<BlockAction<ButtonAction>>(
      pattern,
      async ({ ack, body, action, client, respond: respondOnce }) => {
        // Ack first: Slack shows an error to the clicker if it hears nothing within 3 seconds.
        await ack();
        const respond = retryingRespond(respondOnce);
        const leadId = Number.parseInt(action.value ?? '', 10);
        const now = deps.clock();
        try {
          if (!Number.isInteger(leadId) || leadId <= 0 || String(leadId) !== action.value) {
            await respond({
              response_type: 'ephemeral',
              replace_original: false,
              text: "That button doesn't say which lead it is for, so nothing was saved. Please use the buttons on the latest alert.",
            });
            return;
          }
          const outcome = await handleAlertClick(deps, click, { leadId, slackUserId: body.user.id, now });
          if (outcome.kind === 'ephemeral') {
            await respond({ response_type: 'ephemeral', replace_original: false, text: outcome.text });
            return;
          }
          const updated =
            click === 'claimed'
              ? await updateClickedMessage(client, body, leadId, outcome.note)
              : await updateOwnerDm(deps, client, body);
          // Without the message in the payload there is nothing to rewrite: say it to the clicker instead.
          if (!updated)
            await respond({ response_type: 'ephemeral', replace_original: false, text: outcome.note });
        } catch (err) {
          deps.logger.error({ err: describeError(err), click, leadId }, 'alert button failed');
          await respond({
            response_type: 'ephemeral',
            replace_original: false,
            text: COULD_NOT_SAVE,
          }).catch(() => {});
        }
      },
    );
  }
}

/**
 * Rewrites the clicked message in place: that lead's buttons become a note; everything else stays.
 * false when the payload carries no message blocks (Slack omits `message` for some surfaces): then an
 * update would wipe the DM, so nothing is changed.
 */
async function updateClickedMessage(
  client: WebClient,
  body: BlockAction,
  leadId: number,
  note: string,
): Promise<boolean> {
  const channel = body.container?.channel_id ?? body.channel?.id;
  const ts = body.container?.message_ts ?? body.message?.ts;
  const blocks = (body.message?.blocks ?? []) as KnownBlock[];
  if (!channel || !ts || blocks.length === 0) return false;
  const message = enforceLimits({
    text: String(body.message?.text ?? 'Lead alert'),
    blocks: replaceLeadButtons(blocks, leadId, note),
  });
  await client.chat.update({ channel, ts, text: message.text, blocks: message.blocks });
  return true;
}

/** How many times one click rewrites the DM at most while other clicks keep changing the stored state. */
const OWNER_DM_UPDATES = 3;

function actorName(actor: LeadActor): string {
  return actor.slackUserId ?? clipName(actor.repName ?? 'someone');
}

/**
 * Rewrites an owner's nudge DM from the stored state of every lead in it (contacted, snoozed or still
 * waiting), not from the clicked payload alone: Slack sends the message as the clicker saw it, so two
 * quick clicks each carry a copy without the other's note, and a rebuild from the payload brought the
 * first lead's buttons back. After each update the state is read again and, if another click changed it
 * meanwhile, the DM is rewritten (up to OWNER_DM_UPDATES times): whichever update lands last was built
 * after every click before it. false when the payload carries no message blocks (see updateClickedMessage).
 */
async function updateOwnerDm(deps: Deps, client: WebClient, body: BlockAction): Promise<boolean> {
  const channel = body.container?.channel_id ?? body.channel?.id;
  const ts = body.container?.message_ts ?? body.message?.ts;
  const blocks = (body.message?.blocks ?? []) as KnownBlock[];
  if (!channel || !ts || blocks.length === 0) return false;
  const leadIds = leadIdsOf(blocks);
  let sent: string | null = null;
  for (let i = 0; i < OWNER_DM_UPDATES; i++) {
    const states = await getLeadButtonStates(deps.db, leadIds, deps.clock());
    const notes = new Map<number, string | null>();
    // Contacted, or gone from Tally: no longer waiting (a snoozed lead still is; the header counts it).
    const handled = leadIds.filter((id) => !states.has(id) || states.get(id)!.contacted !== null).length;
    // The fallback names the same leads the blocks show as waiting, in the DM's order.
    const waiting = leadIds.flatMap((id) => {
      const state = states.get(id);
      return state && state.contacted === null ? [state.lead] : [];
    });
    for (const [id, state] of states) {
      if (state.contacted)
        notes.set(id, clickNote('contacted', actorName(state.contacted), slackTime(state.contacted.at)));
      else if (state.snoozed)
        notes.set(id, clickNote('snoozed', actorName(state.snoozed), slackTime(state.snoozed.until)));
      else notes.set(id, null);
    }
    const message = enforceLimits(
      setOwnerNudgeWaiting(
        { text: String(body.message?.text ?? 'Lead alert'), blocks: setOwnerLeadBlocks(blocks, notes) },
        handled,
        waiting,
      ),
    );
    const key = JSON.stringify([message.text, message.blocks]);
    if (key === sent) break;
    await client.chat.update({ channel, ts, text: message.text, blocks: message.blocks });
    sent = key;
  }
  return true;
}
