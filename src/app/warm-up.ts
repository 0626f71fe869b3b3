import { runMetricsCommand } from '../../commands/dispatch.js';
import { buildCaller } from '../access/caller.js';
import { findDefaultConsoleRep, findFirstTeamMember, type RepRecord } from '../access/queries.js';
import type { Deps } from '../deps.js';
import { describeError } from '../errors.js';
import { METRICS } from '../metrics/definitions.js';

/** The longest the warm-up may take (ms); past it the rest is skipped and the app starts all the same. */
export const WARM_UP_CAP_MS = 10_000;

/**
 * Warms the embedded database's answer path before the app listens: answers every metric's default question
 * once for a team, a rep and the org (`<metric> team` and `<metric> me` as the first rep with a team,
 * `<metric> org` as the first admin or manager), through the same path as a Slack command, and throws the
 * replies away. PGlite plans and runs its first statements of each shape several times slower than later
 * ones (a cold catalog, no plan yet): right after a start, a stand-up's first second of questions queued
 * behind that (`npm run bench:ack`: team and rep answer p95 ~1.4 s in the run's first second, ~20–90 ms
 * after). Answers nothing when the org has no reps; stops at `capMs` (default WARM_UP_CAP_MS). Never throws:
 * a failed answer is logged at debug and the next one tried. Returns how many answers ran and how long the
 * warm-up took (ms).
 */
export async function warmAnswerPath(
  deps: Deps,
  options: { capMs?: number } = {},
): Promise<{ answered: number; ms: number }> {
  const started = performance.now();
  const cap = options.capMs ?? WARM_UP_CAP_MS;
  let answered = 0;
  try {
    const now = deps.clock();
    const [member, lead] = await Promise.all([
      findFirstTeamMember(deps.db, now),
      findDefaultConsoleRep(deps.db),
    ]);
    const callerOf = (rep: RepRecord) =>
      buildCaller(deps.db, rep, rep.slackUserId ?? `warm-up:${rep.id}`, now);
    const [memberCaller, leadCaller] = await Promise.all([
      member ? callerOf(member) : null,
      lead ? callerOf(lead) : null,
    ]);
    for (const m of METRICS) {
      const asks = [
        ...(memberCaller
          ? [
              { text: `${m.id} team`, caller: memberCaller },
              { text: `${m.id} me`, caller: memberCaller },
            ]
          : []),
        ...(leadCaller ? [{ text: `${m.id} org`, caller: leadCaller }] : []),
      ];
      for (const { text, caller } of asks) {
        if (performance.now() - started > cap) return { answered, ms: performance.now() - started };
        try {
          await runMetricsCommand(deps, { text, caller, channelId: null, now: deps.clock() });
          answered++;
        } catch (err) {
          deps.logger.debug({ err: describeError(err), text }, 'warm-up answer failed');
        }
      }
    }
  } catch (err) {
    deps.logger.debug({ err: describeError(err) }, 'warm-up skipped');
  }
  return { answered, ms: performance.now() - started };
}
