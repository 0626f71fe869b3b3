import { DAY, nextWorkingTime, type TeamCalendar } from './calendar.js';
import {
  CURRENCIES,
  LOSS_REASON_SHARE,
  LOSS_REASON_WEIGHTS,
  LOSS_REASONS,
  OPEN_STAGES,
  PRODUCTS,
  type TeamSeed,
} from './catalog.js';
import { type LeadContext, meeting, touch } from './generate-touches.js';
import type { RepPlan } from './org-plan.js';
import { clamp, type Random } from './random.js';

const YEAR = 365 * DAY;
const PRODUCT_WEIGHTS = PRODUCTS.map((p) => p.weight);

/** An opportunity, its account, its touches and (when won) contracts; returns the won time or null. */
export function generateOpportunity(
  ctx: LeadContext,
  rng: Random,
  rep: RepPlan,
  repId: number,
  team: TeamSeed,
  cal: TeamCalendar,
  leadId: number,
  company: string,
  createdAt: number,
  outbound: (at: number) => void,
): number | null {
  if (createdAt > ctx.now) return null;
  const oppId = ctx.ids.opportunity++;
  const accountId = ctx.ids.account++;
  const product = rng.weighted(PRODUCTS, PRODUCT_WEIGHTS);
  const currency = rng.weighted(CURRENCIES, team.currencies);
  const seats = product.seats === 1 ? 1 : Math.max(1, Math.round(rng.logNormal(product.seats, 0.6)));
  const unitMinor = Math.round(product.seatPrice * (1 - rng.between(0, 0.2))) * 100;
  const years = product.seats === 1 ? 1 : rng.weighted([1, 2, 3], [0.6, 0.25, 0.15]);
  const amount = unitMinor * seats * years;
  const cycle = clamp(rng.logNormal(product.cycleDays * DAY, 0.6), 2 * DAY, 240 * DAY);
  const closeAt = nextWorkingTime(cal, createdAt + Math.round(cycle), rng.between(0, 9));
  const won = rng.chance(clamp(rep.traits.winRate * product.winFactor, 0.03, 0.7));
  const closed = closeAt <= ctx.now;
  const end = closed ? closeAt : ctx.now;

  // Working the deal: calls, emails and the odd meeting between creation and close.
  const touches = 1 + rng.poisson(1.5 + cycle / (20 * DAY));
  for (let k = 0; k < touches; k++) {
    const at = nextWorkingTime(
      cal,
      createdAt + Math.round(rng.next() * (end - createdAt)),
      rng.between(0, 9),
    );
    if (at >= end) continue;
    if (rng.chance(0.15)) {
      const m = meeting(ctx, rng, cal, repId, leadId, oppId, at);
      if (m) outbound(m.at);
    } else {
      const done = touch(ctx, rep, rng, repId, leadId, oppId, rng.chance(0.55) ? 'call' : 'email', at);
      if (done) outbound(done.at);
    }
  }

  let becameCustomer: number | null = null;
  let churned: number | null = null;
  if (closed && won) {
    becameCustomer = closeAt;
    const perLicense = product.seats > 1 && rng.chance(0.35);
    churned = writeContracts(ctx, rng, {
      accountId,
      start: closeAt,
      years,
      amount,
      seats,
      perLicense,
      currency,
    });
  }
  ctx.buffers.accounts.push(accountId, accountId, company, becameCustomer, churned);
  const stage = closed
    ? won
      ? 'Closed Won'
      : 'Closed Lost'
    : OPEN_STAGES[Math.min(3, Math.floor(((ctx.now - createdAt) / (closeAt - createdAt)) * 4))]!;
  ctx.buffers.opportunities.push(
    oppId,
    oppId,
    leadId,
    accountId,
    repId,
    product.name,
    amount,
    currency,
    createdAt,
    stage,
    closed ? closeAt : null,
    closed ? (won ? 'won' : 'lost') : 'open',
    closed && !won ? lossReason(ctx.details) : null,
    // An open deal's expected close is the planned close date, on the team's calendar (pipeline coverage).
    closed ? null : localDate(closeAt, team.timezone),
  );
  return closed && won ? closeAt : null;
}

/** A lost deal's reason as the rep typed it, or null (not every rep fills it in). */
function lossReason(rng: Random): string | null {
  return rng.chance(LOSS_REASON_SHARE) ? rng.weighted(LOSS_REASONS, LOSS_REASON_WEIGHTS) : null;
}

const dateFormats = new Map<string, Intl.DateTimeFormat>();

/** The calendar date ('2026-12-14') of instant `ms` in `timezone`. */
export function localDate(ms: number, timezone: string): string {
  let format = dateFormats.get(timezone);
  if (!format) {
    // en-CA formats dates as YYYY-MM-DD.
    format = new Intl.DateTimeFormat('en-CA', {
      timeZone: timezone,
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
    });
    dateFormats.set(timezone, format);
  }
  return format.format(ms);
}

interface ContractTerms {
  accountId: number;
  start: number;
  years: number;
  /** Total value of the first contract, minor units. */
  amount: number;
  seats: number;
  perLicense: boolean;
  currency: string;
}

/**
 * Writes a customer's first contract and its yearly renewals up to `now`; returns when the customer
 * churned (did not renew, or left mid-term), else null. One-off services rarely "renew".
 */
function writeContracts(ctx: LeadContext, rng: Random, c: ContractTerms): number | null {
  const services = c.seats === 1;
  let start = c.start;
  let term = c.years;
  let value = c.amount;
  for (let renewal = 0; renewal < 8; renewal++) {
    let ends = start + term * YEAR;
    // A few customers leave mid-term (budget cuts, acquisitions): the contract ends early.
    const earlyEnd = start + Math.round(rng.between(0.25, 0.9) * term * YEAR);
    const leavesEarly = !services && rng.chance(0.06) && earlyEnd <= ctx.now;
    if (leavesEarly) ends = earlyEnd;
    const id = ctx.ids.contract++;
    const annual = Math.round(value / term);
    const rpl = c.perLicense ? Math.round(annual / c.seats) : null;
    const total = rpl !== null ? rpl * c.seats * term : value;
    ctx.buffers.contracts.push(
      id,
      id,
      c.accountId,
      start,
      ends,
      total,
      c.currency,
      term,
      c.perLicense ? c.seats : null,
      rpl,
    );
    if (leavesEarly) return ends;
    if (ends > ctx.now) return null;
    if (rng.chance(services ? 0.6 : 0.16)) return ends;
    start = ends;
    term = 1;
    value = Math.round(annual * rng.between(1, 1.1));
  }
  return null;
}

/**
 * The installed base: customers won before the seeded window (no lead or opportunity rows), with their
 * contracts, renewals and churn, so retention, CLV and ARR have a starting point.
 */
export function generateInstalledBase(
  ctx: LeadContext,
  rng: Random,
  count: number,
  windowStart: number,
  company: () => string,
): void {
  for (let i = 0; i < count; i++) {
    const accountId = ctx.ids.account++;
    const product = rng.weighted(
      PRODUCTS.filter((p) => p.seats > 1),
      [35, 30, 18, 10],
    );
    const seats = Math.max(2, Math.round(rng.logNormal(product.seats, 0.6)));
    const years = rng.weighted([1, 2, 3], [0.6, 0.25, 0.15]);
    const unitMinor = Math.round(product.seatPrice * (1 - rng.between(0, 0.2))) * 100;
    const start = windowStart - Math.round(rng.between(30, 1400) * DAY);
    const currency = rng.weighted(CURRENCIES, [0.8, 0.12, 0.08]);
    const churned = writeContracts(ctx, rng, {
      accountId,
      start,
      years,
      amount: unitMinor * seats * years,
      seats,
      perLicense: rng.chance(0.35),
      currency,
    });
    ctx.buffers.accounts.push(accountId, accountId, company(), start, churned);
  }
}
