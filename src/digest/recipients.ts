import type { Db } from '../db/client.js';
import type { DigestSubscription } from '../db/schema/digests.js';
import type { Scope } from '../metrics/types.js';
import { clipName } from '../names.js';
import type { Schedule } from './slots.js';
import { findTeam, listDigestReps } from './store.js';

/** One destination of a subscription: the channel, or one rep of a personal (`dm`) subscription. */
export interface Recipient {
  /** Ledger key: the channel id, or `rep:<id>`. */
  key: string;
  /** Set for channel digests. */
  channel: string | null;
  /** Set for personal digests: the Slack user to DM. */
  slackUserId: string | null;
  scope: Scope;
  scopeLabel: string;
  personal: boolean;
  schedule: Schedule;
}

/** Caches team names and rosters for one scheduler tick (several subscriptions often share a team). */
export class RecipientResolver {
  private readonly teamNames = new Map<number, Promise<string>>();
  private readonly rosters = new Map<string, ReturnType<typeof listDigestReps>>();

  constructor(private readonly db: Db) {}

  private teamName(teamId: number): Promise<string> {
    let p = this.teamNames.get(teamId);
    if (!p) {
      p = findTeam(this.db, teamId).then((t) => t?.name ?? `team ${teamId}`);
      this.teamNames.set(teamId, p);
    }
    return p;
  }

  private roster(teamId: number | null): ReturnType<typeof listDigestReps> {
    const key = String(teamId);
    let p = this.rosters.get(key);
    if (!p) {
      p = listDigestReps(this.db, teamId);
      this.rosters.set(key, p);
    }
    return p;
  }

  /** Everyone `sub` goes to right now; personal digests use each rep's own time zone. */
  async recipientsOf(sub: DigestSubscription): Promise<Recipient[]> {
    const base = { cadence: sub.cadence, weekday: sub.weekday, localTime: sub.localTime };
    const scopeLabel = sub.teamId === null ? 'Whole org' : clipName(await this.teamName(sub.teamId));
    if (sub.target !== 'dm') {
      const scope: Scope = sub.teamId === null ? { kind: 'org' } : { kind: 'team', teamId: sub.teamId };
      return [
        {
          key: sub.target,
          channel: sub.target,
          slackUserId: null,
          scope,
          scopeLabel,
          personal: false,
          schedule: { ...base, timezone: sub.timezone },
        },
      ];
    }
    const reps = await this.roster(sub.teamId);
    return reps.map((rep) => ({
      key: `rep:${rep.repId}`,
      channel: null,
      slackUserId: rep.slackUserId,
      scope: { kind: 'rep', repId: rep.repId },
      scopeLabel: `${clipName(rep.name)} (${scopeLabel})`,
      personal: true,
      schedule: { ...base, timezone: rep.timezone ?? sub.timezone },
    }));
  }
}
