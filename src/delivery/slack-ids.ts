import {
  findRepIdHoldingSlackId,
  type LookupCandidates,
  linkRepToSlack,
  listRepsToLookUpByEmail,
  recordSlackLookupMiss,
} from '../access/queries.js';
import type { Deps } from '../deps.js';
import { classify } from './outbox-errors.js';

/**
 * A lookup that found nobody is not repeated for this long (per rep and email): a rep imported before
 * their Slack account exists is found within 6 hours of it (at once when they use /metrics), and an
 * email Slack never knows costs at most 4 calls a day instead of one a minute.
 */
export const SLACK_LOOKUP_MISS_TTL_MS = 6 * 3_600_000;

/**
 * At most this many users.lookupByEmail calls per run and instance. The method is Tier 3 (about 50 a
 * minute per workspace, shared with users.info for slash commands); reps past the cap are looked up on
 * the next run, and their DMs wait for it.
 */
export const SLACK_LOOKUPS_PER_RUN = 20;

/** Why a rep is still without a Slack id after the lookup; logged with the rep id (never the email). */
export const LOOKUP_MISS_REASONS = {
  not_found: 'no Slack user with this email',
  deactivated: 'the Slack user with this email is deactivated',
  linked_to_other_rep: 'the Slack user with this email is already linked to another rep',
} as const;

export interface SlackIdLookup {
  /** Rep id → Slack user id found now (and stored: `reps.slack_user_id`, the data version moved). */
  linked: Map<number, string>;
  /** Reps Slack has no usable user for (remembered for SLACK_LOOKUP_MISS_TTL_MS); the DM is skipped. */
  missed: { repId: number; reason: keyof typeof LOOKUP_MISS_REASONS }[];
  /**
   * Reps not looked up yet (Slack rate-limited or failed for a moment after the client's own retries, the
   * token is refused, or the per-run cap): their DMs should wait for a later run instead of being skipped.
   */
  deferred: Set<number>;
  /** Reps whose lookup Slack refused for good (e.g. `missing_scope`); the DM is skipped, nothing remembered. */
  refused: { repId: number; error: string }[];
  /** Teams of `LookupCandidates.managersOf` with a manager in `deferred`: DMs to their managers should wait too. */
  deferredTeams: Set<number>;
}

/**
 * Before a DM is skipped for want of a Slack id: asks Slack (users.lookupByEmail, scope
 * `users:read.email`) about each rep `candidates` names (these reps, the managers or the members of these
 * teams) that is active, has an email and no Slack id, and was not looked up in vain lately: one statement
 * lists them (`listRepsToLookUpByEmail`), so callers need not list reps without a Slack id first. Links
 * each rep found (`linkRepToSlack`: Slack id and time zone, data version moved) and remembers each miss
 * (`reps.slack_lookup_missed_at`, for SLACK_LOOKUP_MISS_TTL_MS).
 *
 * Calls go one at a time through `deps.slack`, which rejects a 429 at once (webClientOptions); a lookup
 * rate-limited, or still failing after the client's retries, ends the lookups of this run (the rest are `deferred`).
 * Warns once per rep missed, naming the rep id and the reason, never the email. Reps that need no lookup
 * appear in no list. Without Slack (local console) nothing is looked up. Database errors are thrown.
 * Safe on several instances: linking only fills an empty Slack id.
 */
export async function linkRepsByEmail(
  deps: Pick<Deps, 'db' | 'slack' | 'logger'>,
  candidates: LookupCandidates,
  now: Date,
): Promise<SlackIdLookup> {
  const out: SlackIdLookup = {
    linked: new Map(),
    missed: [],
    deferred: new Set(),
    refused: [],
    deferredTeams: new Set(),
  };
  if (!deps.slack) return out;
  const todo = await listRepsToLookUpByEmail(
    deps.db,
    candidates,
    new Date(now.getTime() - SLACK_LOOKUP_MISS_TTL_MS),
  );
  let stop: string | null = null;
  for (const [i, rep] of todo.entries()) {
    if (stop !== null || i >= SLACK_LOOKUPS_PER_RUN) {
      out.deferred.add(rep.id);
      continue;
    }
    let user: { id?: string; deleted?: boolean; tz?: string } | undefined;
    try {
      const res = await deps.slack.users.lookupByEmail({ email: rep.email.trim() });
      user = res.user;
    } catch (err) {
      const attempt = classify(err, 'open');
      const error = 'error' in attempt ? attempt.error : 'ratelimited';
      if (attempt.kind === 'unreachable' && error === 'users_not_found') {
        await miss(deps, out, rep, 'not_found', now);
      } else if (attempt.kind === 'unreachable' || attempt.kind === 'rejected') {
        // The same answer would come for every email (missing_scope, not_allowed_token_type, …).
        out.refused.push({ repId: rep.id, error });
        stop = error;
        deps.logger.error(
          { error, repId: rep.id },
          'Slack refused users.lookupByEmail: reps without a Slack id cannot be found by email (the app needs the users:read.email scope; reinstall it from manifest.yml)',
        );
      } else if (attempt.kind === 'rate_limited') {
        out.deferred.add(rep.id);
        stop = error;
        deps.logger.warn(
          { method: 'users.lookupByEmail', retryAfterSeconds: attempt.retryAfterSeconds, repId: rep.id },
          'slack rate limited; the rest of the lookups wait for the next run',
        );
      } else {
        out.deferred.add(rep.id);
        stop = error;
        deps.logger.warn(
          { error, repId: rep.id },
          'users.lookupByEmail failed; the rest of the lookups wait for the next run',
        );
      }
      continue;
    }
    if (!user?.id || user.deleted) {
      await miss(deps, out, rep, user?.id ? 'deactivated' : 'not_found', now);
      continue;
    }
    const holder = await findRepIdHoldingSlackId(deps.db, user.id);
    if (holder !== null && holder !== rep.id) {
      await miss(deps, out, rep, 'linked_to_other_rep', now);
      continue;
    }
    await linkRepToSlack(deps.db, rep.id, user.id, user.tz ?? null);
    out.linked.set(rep.id, user.id);
    deps.logger.info({ repId: rep.id, slackUserId: user.id }, 'linked a rep to Slack by email');
  }
  // A refused lookup stops the others: they go without a DM this run, as before this lookup existed.
  if (stop !== null && out.refused.length > 0)
    for (const id of out.deferred) out.refused.push({ repId: id, error: stop });
  if (out.refused.length > 0) out.deferred.clear();
  for (const rep of todo)
    if (out.deferred.has(rep.id)) for (const t of rep.managerOf) out.deferredTeams.add(t);
  return out;
}

async function miss(
  deps: Pick<Deps, 'db' | 'logger'>,
  out: SlackIdLookup,
  rep: { id: number; email: string },
  reason: keyof typeof LOOKUP_MISS_REASONS,
  now: Date,
): Promise<void> {
  await recordSlackLookupMiss(deps.db, rep.id, rep.email, now);
  out.missed.push({ repId: rep.id, reason });
  deps.logger.warn(
    { repId: rep.id, reason: LOOKUP_MISS_REASONS[reason] },
    'rep not found in Slack by email; DMs to them are skipped',
  );
}
