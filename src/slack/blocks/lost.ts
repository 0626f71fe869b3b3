import type { KnownBlock } from '@slack/types';
import { otherCurrencyNotes } from '../../metrics/currency-notes.js';
import { type LossReasonRow, type LossReasons, NO_LOSS_REASONS_NOTE } from '../../metrics/loss-reasons.js';
import { formatCount } from '../../numbers/count.js';
import type { AskState } from '../ask-state.js';
import { formatChange, formatMoneyTotal, formatPercent } from '../format.js';
import { enforceLimits, type SlackMessage } from '../limits.js';
import { escapeMrkdwn, escapeName, showName } from '../mrkdwn.js';
import {
  changeLine,
  fallbackFigure,
  freshnessLine,
  notStartedHeadline,
  sampleLine,
  sharedByLine,
} from './answer-parts.js';
import { answerActions } from './metric.js';
import { context, header, section } from './pieces.js';

/**
 * The answer's own state and what its reader may do, as a metric answer's (`MetricView`): buttons on the
 * asker's copy (`state.view` is `lost`), or the channel's read-only copy with `sharedBy`.
 */
export interface LostView {
  state: AskState;
  /** Who shared it: the channel's copy, with no buttons. */
  sharedBy?: string;
  canSplitByRep?: boolean;
  canShare?: boolean;
}

/** A loss reason is free text (up to 500 characters on the way in); one table row shows this much of it. */
const LOSS_REASON_DISPLAY_MAX = 120;

/** "+2 vs 3", "−1 vs 4", "new", "same as last period". */
function reasonChange(lost: number, previous: number): string {
  if (previous === 0) return lost > 0 ? 'new' : '—';
  const d = lost - previous;
  if (d === 0) return `same (${previous})`;
  return `${d > 0 ? '+' : '−'}${Math.abs(d)} vs ${previous}`;
}

/** Deals of the answer's currency with an amount in the row: only then does it show money. */
function pricedDeals(row: LossReasonRow, currency: string | null): number {
  return row.lost - (currency === null ? 0 : row.otherCurrency) - row.noAmount;
}

/**
 * A reason row's amount: "€2,000" (`money`, the row's amount as shown beside the total); deals in another
 * currency are never shown as money they are not (no exchange rates): "no amount in EUR (1 in another
 * currency)" when all of the row's deals are, "€2,000 (+1 in another currency)" when some are. Deals
 * recorded without an amount are not lost for €0: "no amount" when all of the row's deals are, "€2,000 (+1
 * without an amount)" when some are.
 */
function reasonAmount(row: LossReasonRow, currency: string | null, money: string): string {
  const other = currency === null ? 0 : row.otherCurrency;
  const notes = [
    ...(other > 0
      ? [`${formatCount(other)} in ${other === 1 ? 'another currency' : 'other currencies'}`]
      : []),
    ...(row.noAmount > 0 ? [`${formatCount(row.noAmount)} without an amount`] : []),
  ];
  if (notes.length === 0) return money;
  if (pricedDeals(row, currency) > 0) return `${money} (+${notes.join(', ')})`;
  if (other === 0) return 'no amount';
  return `no amount in ${currency} (${notes.join(', ')})`;
}

/**
 * The `/metrics lost` answer: deals and amount lost, the trend, then one line per reason with its count,
 * share of all lost, amount and change against the previous period. With no reasons recorded at all it
 * says so plainly instead of a table of zeros; for a period that ended before the org's first record it says
 * there are no records before that day, and for one that has not started that it has not, not "0 deals lost".
 * With `at` (the answer's instant, and the stale-data threshold in hours) it ends, as every metric answer does,
 * with "n = … · window" and how fresh the deals behind it are ("Data as of …" or a stale warning). With `view`
 * it then has a metric answer's buttons (periods, splits, Share in channel, How is this calculated?, Chart),
 * or for the channel's copy (`sharedBy`) says who shared it.
 */
export function buildLostMessage(
  lr: LossReasons,
  at: { now: Date; staleAfterHours: number } | null = null,
  view: LostView | null = null,
): SlackMessage {
  const r = lr.result;
  const title = `Lost deals · ${r.scope.label} · ${r.period.label}`;
  // How fresh the deals behind it are, as every metric answer ends ("Data as of …", or a stale warning), then
  // who shared it or the buttons every answer has (fresh tester: this answer had none).
  const footer = [
    ...(at ? [context(sampleLine(r), freshnessLine(r, at.now, at.staleAfterHours))] : []),
    ...(view?.sharedBy
      ? [context(at ? sharedByLine(view.sharedBy, r, at.now) : `Shared by ${escapeName(view.sharedBy)}`)]
      : []),
    ...(view && !view.sharedBy
      ? answerActions(r, view.state, { byRep: view.canSplitByRep ?? true, share: view.canShare ?? true })
      : []),
  ];
  // A finished period that ended before the org's first record has no data, not "0 deals lost".
  if (r.freshness.dataStartsAt && r.value.kind === 'no_data') {
    const said = `No data: ${r.value.reason}.`;
    return enforceLimits({
      text: escapeMrkdwn(`${title}: ${said}`),
      blocks: [header(title), section(escapeMrkdwn(said)), ...footer],
    });
  }
  // A period that has not started has lost nothing yet: no figure, not "0 deals lost".
  if (r.startsOn) {
    return enforceLimits({
      text: escapeMrkdwn(`${title}: not started yet (starts ${r.startsOn})`),
      blocks: [header(title), section(notStartedHeadline(r.startsOn)), ...footer],
    });
  }
  const lost = r.value.kind === 'value' ? r.value.value : 0;
  const amount = r.figures.find((f) => f.key === 'amount')?.value;
  // Deals lost without a recorded amount add 0 to the sum: when no deal of the answer's currency has one,
  // the amount is absent, not "$0".
  const unpriced = lr.rows.reduce((s, row) => s + row.noAmount + row.otherCurrency, 0);
  const amountShown =
    amount?.kind === 'value' &&
    !(amount.value === 0 && lost > 0 && unpriced >= lost && lr.rows.some((x) => x.noAmount > 0));
  // The reasons' amounts add up to the total on screen (fresh tester helper-404: "€6,236" lost, its reasons
  // "€2,001" and "€4,236"): rounded alike when that adds up, else all to the cent.
  const money = formatMoneyTotal(
    amountShown ? amount.value : 0,
    lr.rows.map((row) => (amountShown && pricedDeals(row, r.currency) > 0 ? row.amount : 0)),
    r.currency,
  );
  const amountText = amountShown ? money.total : 'no amount';
  const lines: string[] = [`*${formatCount(lost)}* deal${lost === 1 ? '' : 's'} lost · *${amountText}*`];
  // A previous period before the org's first record has nothing to compare: "vs 2024: no earlier data (the
  // data starts on 9 Dec 2025)", and no reason is "new" against it.
  const noEarlier = r.trend?.previous.dataStartsAt !== undefined;
  // `all time` has no period before it: nothing to compare, so no reason is "new" either (helper-171).
  const compared = r.trend !== null && !noEarlier;
  if (r.trend?.change) {
    lines.push(`${formatChange(r.trend.change, 'count')} vs ${escapeMrkdwn(r.trend.previous.period.label)}`);
  } else if (noEarlier) {
    const said = changeLine(r);
    if (said) lines.push(said);
  }
  const blocks: KnownBlock[] = [header(title), section(lines.join('\n'))];
  if (lost === 0) {
    blocks.push(section('No deals were lost in this period.'));
  } else if (!lr.hasReasons) {
    blocks.push(
      section(
        `No loss reasons are recorded for ${lost === 1 ? 'this deal' : `these ${formatCount(lost)} deals`}, so I can't say why they were lost. Import a \`loss_reason\` column (or send \`loss_reason\` to the ingest API) to see them here; a placeholder such as "N/A", "None" or "-" counts as no reason.`,
      ),
    );
  } else {
    const table = lr.rows.map((row, i) => {
      // Cut before escaping, so the bold or italic around a long reason is never cut in half.
      const label = showName(row.label, LOSS_REASON_DISPLAY_MAX);
      const name = row.kind === 'reason' ? `*${label}*` : `_${label}_`;
      const change = compared ? ` · ${reasonChange(row.lost, row.previousLost)}` : '';
      return `${name} — ${formatCount(row.lost)} (${formatPercent(row.share, 0)}) · ${reasonAmount(row, r.currency, money.parts[i] ?? '')}${change}`;
    });
    blocks.push(section(table.join('\n')));
    blocks.push(
      context(
        `Reasons are grouped ignoring case and spacing. Share = of ${lost === 1 ? 'the one deal' : `all ${formatCount(lost)} deals`} lost${compared ? `; change vs ${escapeMrkdwn(r.trend?.previous.period.label ?? 'the previous period')}` : ''}.`,
      ),
    );
  }
  // The body already says no reasons are recorded: do not repeat it as a note.
  const notes = lost > 0 && !lr.hasReasons ? r.notes.filter((n) => n !== NO_LOSS_REASONS_NOTE) : r.notes;
  for (const note of notes) blocks.push(context(`:information_source: ${escapeMrkdwn(note)}`));
  blocks.push(...footer);
  // The amount's currency note rides along in the fallback too: "3 lost, €2,000 (1 deal in another currency left out)".
  const fallback = `${title}: ${formatCount(lost)} lost, ${fallbackFigure(amountText, otherCurrencyNotes(r))}`;
  return enforceLimits({ text: escapeMrkdwn(fallback), blocks });
}
