import { linkRepToSlack } from '../access/queries.js';
import { resolveScopeAsk, type ScopeAsk, type ScopeResolution } from '../access/scope.js';
import type { Caller } from '../core/types.js';
import type { Deps } from '../deps.js';
import { beforeDeadline } from '../metrics/index.js';
import { neutraliseMarkers } from '../slack/mrkdwn.js';
import { profileLookup } from '../slack/respond.js';

/**
 * The scope words of any command that names whose numbers (a question, `coach`, `lost`, `target set`)
 * resolved one way: a mention of someone Slack has not linked to a rep yet is looked up through users.info
 * (profile email → rep) whenever Tally talks to Slack (not in the local console). Bound by the ask's
 * deadline (a person waits for it). A rep found that way comes back with `link`: remember it with
 * linkMentionedRep once the caller may see that person. users.info failures throw SlackUnreachableError.
 * A refusal's sentence shows typed words and names with their `* _ ~` and backticks neutralised (it is
 * escaped as a whole where it is shown), so `team *boss*` is answered with "*boss*" as typed, not bold.
 */
export function resolveScopeWords(
  deps: Deps,
  caller: Caller,
  ask: ScopeAsk,
  now: Date,
): Promise<ScopeResolution> {
  const lookup = deps.slack ? profileLookup(deps.slack, deps) : undefined;
  return beforeDeadline(resolveScopeAsk(deps.db, caller, ask, now, lookup, neutraliseMarkers));
}

/**
 * Remembers the Slack id of a mentioned rep that resolveScopeWords found through users.info, so the next
 * mention is direct. Call it only once the caller has been allowed to see that person; a no-op otherwise.
 */
export async function linkMentionedRep(deps: Deps, resolved: ScopeResolution): Promise<void> {
  if (!resolved.ok || !resolved.link) return;
  const { repId, slackUserId, timezone } = resolved.link;
  await beforeDeadline(linkRepToSlack(deps.db, repId, slackUserId, timezone));
}
