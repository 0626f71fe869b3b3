import type { KnownBlock } from '@slack/types';
import { clipName } from '../../names.js';
import { actions, button, context, header, section } from '../../slack/blocks/pieces.js';
import { formatDuration } from '../../slack/format.js';
import { enforceLimits, type SlackMessage } from '../../slack/limits.js';
import { escapeMrkdwn, escapeName, mention, showName } from '../../slack/mrkdwn.js';

/** Action ids of the alert buttons; `src/alerts/slack/actions.ts` listens for them. */
export const ACTION_CONTACTED = 'alerts_contacted';
export const ACTION_SNOOZE = 'alerts_snooze';
export const ACTION_CLAIM = 'alerts_claim';
/** Block ids carry the lead id, so a click can replace exactly that lead's buttons in a grouped DM. */
export const LEAD_BLOCK_PREFIX = 'alert_lead:';

/** A grouped DM lists at most this many leads in full; the rest are counted ("and 12 more"). */
export const MAX_LEADS_PER_DM = 10;

/** What a nudge shows about one lead. */
export interface LeadCard {
  leadId: number;
  /** The lead's id in the CRM (`leads.external_id`): what names a lead that has no name and no company. */
  crmId: string;
  name: string | null;
  company: string | null;
  source: string | null;
  crmUrl: string | null;
  /** Business seconds the lead has waited so far. */
  waitingSeconds: number;
  ownerName?: string;
  /** False when the owner could not be nudged (no Slack id, inactive); manager DMs say so. */
  ownerNudged?: boolean;
}

/** What names a lead: enough to call it in a fallback text (a LeadCard is one). */
export type LeadName = Pick<LeadCard, 'crmId' | 'name' | 'company'>;

/**
 * What a lead is called: its name, else its company, else its CRM id ("Lead 00Q5e…"), never "Unnamed
 * lead", which gives the rep nothing to look up. `company` is null when it already is the title.
 */
function leadLabel(lead: LeadName): { title: string; company: string | null } {
  const name = lead.name?.trim();
  const company = lead.company?.trim() || null;
  if (name) return { title: name, company };
  if (company) return { title: company, company: null };
  return { title: `Lead ${lead.crmId}`, company: null };
}

function leadTitle(lead: LeadCard): string {
  const label = leadLabel(lead);
  // Cut before escaping, so the bold and the link around the name are never cut off (showName).
  const name = showName(label.title);
  // Only http(s) links: a CRM value like "javascript:" or "<!channel>" must not become a link.
  const link = lead.crmUrl && /^https?:\/\/[^\s|<>]+$/.test(lead.crmUrl) ? lead.crmUrl : null;
  const title = link ? `<${escapeMrkdwn(link)}|${name}>` : name;
  return label.company ? `*${title}* · ${showName(label.company)}` : `*${title}*`;
}

function leadLine(lead: LeadCard, slaSeconds: number, withOwner: boolean): string {
  const parts = [
    `source: ${showName(lead.source ?? 'unknown')}`,
    `waiting *${formatDuration(lead.waitingSeconds)}* (SLA ${formatDuration(slaSeconds)})`,
  ];
  if (withOwner && lead.ownerName) parts.push(`owner: ${showName(lead.ownerName)}`);
  return `${leadTitle(lead)}\n${parts.join(' · ')}`;
}

function plainName(lead: LeadName): string {
  const label = leadLabel(lead);
  return `${clipName(label.title)}${label.company ? ` (${clipName(label.company)})` : ''}`;
}

/** Fallback text (notifications, search): plain, and escaped since Slack parses `text` as mrkdwn too. */
function fallback(intro: string, leads: LeadName[], beyond = 0): string {
  const names = leads.slice(0, MAX_LEADS_PER_DM).map(plainName).join(', ');
  const more = Math.max(0, leads.length - MAX_LEADS_PER_DM) + beyond;
  // Nothing listed (every listed lead handled): the title alone, which already counts those beyond.
  if (!names) return escapeName(intro);
  return escapeName(`${intro}: ${names}${more > 0 ? ` and ${more} more` : ''}`);
}

/** Block id of the "…and 12 more" line, with the count: `alert_more:12` (read back by `moreCountOf`). */
const MORE_BLOCK_PREFIX = 'alert_more:';

function moreLine(leads: LeadCard[]): KnownBlock[] {
  const more = leads.length - MAX_LEADS_PER_DM;
  return more > 0
    ? [
        {
          ...context(`…and ${more} more waiting lead${more === 1 ? '' : 's'}. Check your CRM.`),
          block_id: `${MORE_BLOCK_PREFIX}${more}`,
        },
      ]
    : [];
}

/** How many leads a DM counts beyond those it lists: its "…and 12 more" line (block id, else text), or 0. */
function moreCountOf(blocks: KnownBlock[]): number {
  for (const b of blocks) {
    if (b.block_id?.startsWith(MORE_BLOCK_PREFIX))
      return Number(b.block_id.slice(MORE_BLOCK_PREFIX.length)) || 0;
    const text = b.type === 'context' ? JSON.stringify(b.elements) : '';
    const m = /…and (\d+) more waiting lead/.exec(text);
    if (m) return Number(m[1]);
  }
  return 0;
}

/** The owner DM's title for `waiting` leads of `total`: the whole DM when nobody has acted on it yet. */
function ownerNudgeTitle(waiting: number, total: number): string {
  if (waiting >= total)
    return total === 1 ? 'A new lead is waiting for you' : `${total} new leads are waiting for you`;
  if (waiting === 0) return 'No lead is waiting for you any more';
  return `${waiting} of ${total} new leads ${waiting === 1 ? 'is' : 'are'} still waiting for you`;
}

/**
 * An owner's DM's header and fallback text as it came back in a click payload, counting the leads still
 * waiting: every lead it lists or counts ("…and 12 more"), less those `handled` (contacted, or gone from
 * Tally). Fresh tester helper-213, finding 3: after one of two leads was marked Contacted the header still
 * said "2 new leads are waiting for you". The fallback text (notifications, screen readers) is rebuilt
 * from the same state as the header: its title and `waiting`, the listed leads still waiting (snoozed
 * ones too), then the count beyond the ten listed; it no longer keeps the payload's names, which listed
 * a lead already contacted. Blocks other than the header pass through unchanged.
 */
export function setOwnerNudgeWaiting(
  message: { text: string; blocks: KnownBlock[] },
  handled: number,
  waiting: LeadName[],
): { text: string; blocks: KnownBlock[] } {
  const beyond = moreCountOf(message.blocks);
  const total = leadIdsOf(message.blocks).length + beyond;
  // No lead blocks (not an owner DM as we post it): nothing to count, the message stays as it was.
  if (total === 0) return message;
  const title = ownerNudgeTitle(Math.max(0, total - handled), total);
  const emoji = handled >= total ? ':white_check_mark:' : ':hourglass_flowing_sand:';
  let done = false;
  const blocks = message.blocks.map((b) => {
    if (done || b.type !== 'header') return b;
    done = true;
    return { ...header(`${emoji} ${title}`), ...(b.block_id ? { block_id: b.block_id } : {}) };
  });
  return { text: fallback(title, waiting, beyond), blocks };
}

/** One lead's "Contacted" and "Snooze 15 min" buttons in the owner's DM (block id names the lead). */
function ownerLeadButtons(leadId: number): KnownBlock {
  return actions(
    [
      button({ text: 'Contacted', actionId: ACTION_CONTACTED, value: String(leadId), style: 'primary' }),
      button({ text: 'Snooze 15 min', actionId: ACTION_SNOOZE, value: String(leadId) }),
    ],
    `${LEAD_BLOCK_PREFIX}${leadId}`,
  );
}

/**
 * The owner's DM: one message for all their waiting leads, each with "Contacted" and "Snooze 15 min".
 * `businessHours`: whether the team's waiting counts business hours only (false: `hours always`, every hour
 * counts), for the footer's words.
 */
export function buildOwnerNudge(leads: LeadCard[], slaSeconds: number, businessHours: boolean): SlackMessage {
  const title = ownerNudgeTitle(leads.length, leads.length);
  const blocks: KnownBlock[] = [header(`:hourglass_flowing_sand: ${title}`)];
  for (const lead of leads.slice(0, MAX_LEADS_PER_DM)) {
    blocks.push(section(leadLine(lead, slaSeconds, false)));
    blocks.push(ownerLeadButtons(lead.leadId));
  }
  blocks.push(...moreLine(leads));
  blocks.push(
    context(
      `Fast replies win deals. "Contacted" logs a touch for your response time; waiting counts ${businessHours ? 'business hours only' : 'every hour (your team has no business hours set)'}.`,
    ),
  );
  return enforceLimits({ text: fallback(title, leads), blocks });
}

/** The manager's DM: leads of their team still untouched past the escalation threshold. */
export function buildManagerNudge(leads: LeadCard[], teamName: string, slaSeconds: number): SlackMessage {
  const title = `${leads.length === 1 ? 'A lead is' : `${leads.length} leads are`} still waiting in ${clipName(teamName)}`;
  const blocks: KnownBlock[] = [header(`:rotating_light: ${title}`)];
  for (const lead of leads.slice(0, MAX_LEADS_PER_DM)) blocks.push(section(leadLine(lead, slaSeconds, true)));
  blocks.push(...moreLine(leads));
  blocks.push(context(ownerNudgeNote(leads.slice(0, MAX_LEADS_PER_DM))));
  return enforceLimits({ text: fallback(title, leads), blocks });
}

/** What happened to the owners at the SLA, true for every lead shown (skipped owners are named). */
function ownerNudgeNote(leads: LeadCard[]): string {
  const skipped = leads.filter((l) => l.ownerNudged === false);
  const once = 'You hear about each lead once.';
  if (skipped.length === 0) return `The owner was nudged at the SLA. ${once}`;
  const owners = [...new Set(skipped.map((l) => showName(l.ownerName ?? 'the owner')))];
  const names = owners.join(', ');
  const lead =
    skipped.length === leads.length ? 'No owner could be nudged' : 'Not every owner could be nudged';
  return `${lead}: ${names} ${owners.length === 1 ? 'has' : 'have'} no active Slack account in Tally, so only you hear about ${skipped.length === 1 ? 'this lead' : 'these leads'}. ${once}`;
}

/** The team-channel post: anyone can pick the lead up with "Claim". */
export function buildChannelPost(lead: LeadCard, slaSeconds: number): SlackMessage {
  const blocks: KnownBlock[] = [
    section(
      `:telephone_receiver: *Up for grabs:* this lead is still waiting.\n${leadLine(lead, slaSeconds, true)}`,
    ),
    actions(
      [button({ text: 'Claim', actionId: ACTION_CLAIM, value: String(lead.leadId), style: 'primary' })],
      `${LEAD_BLOCK_PREFIX}${lead.leadId}`,
    ),
  ];
  return enforceLimits({ text: escapeName(`Up for grabs: ${plainName(lead)} is still waiting`), blocks });
}

/**
 * A message as it came back in a click payload, with that lead's buttons replaced by `note` (a context line),
 * so a grouped DM keeps the other leads' buttons. Blocks we do not recognise pass through unchanged.
 */
export function replaceLeadButtons(blocks: KnownBlock[], leadId: number, note: string): KnownBlock[] {
  const id = `${LEAD_BLOCK_PREFIX}${leadId}`;
  return blocks.map((b) => (b.block_id === id ? { ...context(note), block_id: id } : b));
}

/** The lead ids of a message's lead blocks (buttons or the note that replaced them), in order. */
export function leadIdsOf(blocks: KnownBlock[]): number[] {
  const ids: number[] = [];
  for (const b of blocks) {
    const id = b.block_id?.startsWith(LEAD_BLOCK_PREFIX) ? b.block_id.slice(LEAD_BLOCK_PREFIX.length) : '';
    if (/^[1-9]\d*$/.test(id)) ids.push(Number(id));
  }
  return ids;
}

/**
 * An owner's DM as it came back in a click payload, with every lead's buttons-or-note set from `notes`
 * (lead id → the note, or null for the "Contacted"/"Snooze" buttons). Slack sends the message as the
 * clicker last saw it, which can predate another click's update, so the stored state decides, not the
 * payload. Leads missing from `notes` (gone from Tally) and all other blocks pass through unchanged.
 */
export function setOwnerLeadBlocks(blocks: KnownBlock[], notes: Map<number, string | null>): KnownBlock[] {
  return blocks.map((b) => {
    const [leadId] = leadIdsOf([b]);
    if (leadId === undefined || !notes.has(leadId)) return b;
    const note = notes.get(leadId);
    return note ? { ...context(note), block_id: b.block_id } : ownerLeadButtons(leadId);
  });
}

/** The note that replaces the buttons after a click. */
export function clickNote(
  kind: 'contacted' | 'snoozed' | 'claimed',
  slackUserId: string,
  when: string,
): string {
  const who = mention(slackUserId);
  if (kind === 'contacted') return `:white_check_mark: Contacted — logged by ${who} at ${when}.`;
  if (kind === 'snoozed') return `:zzz: Snoozed by ${who} until ${when}.`;
  return `:raised_hand: Claimed by ${who} at ${when} — they're calling.`;
}
