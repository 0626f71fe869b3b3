import { DAY, HOUR, nextWorkingTime, type TeamCalendar } from './calendar.js';
import {
  COMPANY_FORMS,
  COMPANY_PREFIXES,
  COMPANY_SUFFIXES,
  FIRST_NAMES,
  LAST_NAMES,
  LEAD_SOURCES,
  type TeamSeed,
} from './catalog.js';
import { generateOpportunity } from './generate-deal.js';
import { type LeadContext, MINUTE, meeting, touch } from './generate-touches.js';
import type { RepPlan } from './org-plan.js';
import { clamp, type Random } from './random.js';

export type { Buffers, LeadContext } from './generate-touches.js';

const SOURCE_WEIGHTS = LEAD_SOURCES.map((s) => s.weight);
const BASE_QUALIFY = 0.42;

export function companyName(rng: Random): string {
  return `${rng.pick(COMPANY_PREFIXES)} ${rng.pick(COMPANY_SUFFIXES)} ${rng.pick(COMPANY_FORMS)}`;
}

/**
 * Generates one lead created at `createdAt` with its whole story up to `now`: touches (first one after a
 * rep-specific, skewed delay), qualification, a meeting, an opportunity with its account, and contracts
 * (with renewals or churn) when the deal is won.
 */
export function generateLead(
  ctx: LeadContext,
  rng: Random,
  rep: RepPlan,
  repId: number,
  team: TeamSeed,
  cal: TeamCalendar,
  createdAt: number,
): void {
  const t = rep.traits;
  const leadId = ctx.ids.lead++;
  const source = rng.weighted(LEAD_SOURCES, SOURCE_WEIGHTS);
  const first = rng.pick(FIRST_NAMES);
  const last = rng.pick(LAST_NAMES);
  const company = companyName(rng);
  const email = `${first}.${last}@${company.split(' ')[0]!}${leadId}.example`
    .toLowerCase()
    .replace(/[^a-z0-9.@]/g, '');
  let firstTouch = Number.POSITIVE_INFINITY;
  const outbound = (at: number) => {
    if (at < firstTouch) firstTouch = at;
  };
  let qualifiedAt: number | null = null;
  let convertedAt: number | null = null;
  let disqualifiedAt: number | null = null;

  // A few leads call in themselves first; inbound activity never counts as the first touch.
  if (rng.chance(0.03)) {
    const at = createdAt + Math.round(rng.between(1, 30) * MINUTE);
    if (at <= ctx.now) {
      const id = ctx.ids.activity++;
      ctx.buffers.activities.push(
        id,
        id,
        repId,
        leadId,
        null,
        'call',
        'inbound',
        at,
        rng.int(60, 600),
        true,
        null,
        null,
        null,
        null,
        null,
      );
    }
  }

  const neglected = rng.chance(t.neglect);
  const willQualify = rng.chance(clamp(BASE_QUALIFY * source.quality * t.qualifyFactor, 0.05, 0.9));
  if (!neglected) {
    const delay = clamp(rng.logNormal(t.speedMinutes * MINUTE, 1.1), 20_000, 3 * DAY);
    let at = nextWorkingTime(cal, createdAt + delay, clamp(rng.logNormal(0.6, 0.9), 0, 4));
    const attempts = willQualify
      ? 1 + rng.poisson(1.5 * t.persistence)
      : 1 + rng.poisson(2.6 * t.persistence);
    for (let k = 0; k < attempts; k++) {
      const last = willQualify && k === attempts - 1;
      const kind = last || rng.chance(0.6) ? 'call' : 'email';
      const done = touch(ctx, rep, rng, repId, leadId, null, kind, at, last);
      if (!done) break;
      outbound(done.at);
      if (last) qualifiedAt = at + Math.round(rng.between(10, 90) * MINUTE);
      at = nextWorkingTime(
        cal,
        at + Math.round(clamp(rng.logNormal(1.2 * DAY, 0.8), HOUR, 14 * DAY)),
        rng.between(0, 9),
      );
    }
    if (qualifiedAt !== null && qualifiedAt > ctx.now) qualifiedAt = null;
    if (!willQualify && rng.chance(0.55)) {
      const dq = at + Math.round(rng.between(0, 3) * DAY);
      if (dq <= ctx.now) disqualifiedAt = dq;
    }
  }

  if (qualifiedAt !== null) {
    const m = meeting(ctx, rng, cal, repId, leadId, null, qualifiedAt);
    if (m) outbound(m.at);
    if (m && (m.held || rng.chance(0.4)) && rng.chance(0.9)) {
      convertedAt = generateOpportunity(
        ctx,
        rng,
        rep,
        repId,
        team,
        cal,
        leadId,
        company,
        m.at + Math.round(rng.between(1, 48) * HOUR),
        outbound,
      );
    }
  }

  ctx.buffers.leads.push(
    leadId,
    leadId,
    `${first} ${last}`,
    company,
    email,
    source.name,
    repId,
    createdAt,
    Number.isFinite(firstTouch) ? firstTouch : null,
    qualifiedAt,
    convertedAt,
    disqualifiedAt,
  );
}
