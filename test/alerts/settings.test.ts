import { eq } from 'drizzle-orm';
import { beforeEach, describe, expect, it } from 'vitest';
import { alertsCommand } from '../../commands/alerts.js';
import type { BusinessHours } from '../../src/alerts/business-time.js';
import { unreachableSteps } from '../../src/alerts/reach.js';
import { getAlertSettings } from '../../src/alerts/settings.js';
import {
  parseAlertsCommand,
  parseDays,
  parseDuration,
  parseTimeRange,
} from '../../src/alerts/settings-parse.js';
import type { Caller } from '../../src/core/types.js';
import { teams } from '../../src/db/schema/index.js';
import { describeDb } from '../helpers/db.js';
import { useSlackApiStub } from '../helpers/slack-api.js';
import { makeDeps, seedWorld, type World } from './fixtures.js';

describe('alerts command grammar', () => {
  it('parses durations, days and time ranges', () => {
    expect(parseDuration('10m')).toBe(600);
    expect(parseDuration('1h30m')).toBe(5400);
    expect(parseDuration('90s')).toBe(90);
    expect(parseDuration('15min')).toBe(900);
    expect(parseDuration('10')).toBeNull();
    expect(parseDuration('abc')).toBeNull();
    // Probe (LOW): `sla 10 minutes` was refused; only `10m` worked.
    expect(parseDuration('10 minutes')).toBe(600);
    expect(parseDuration('1 hour 30 mins')).toBe(5400);
    expect(parseDuration('2 days')).toBe(172_800);
    expect(parseDuration('45 sec')).toBe(45);
    expect(parseDuration('10 minutes ago')).toBeNull();
    expect(parseDuration('1 hour 1 hour')).toBeNull();
    // Second probe (LOW): fractional hours, as target durations take them.
    expect(parseDuration('1.5h')).toBe(5400);
    expect(parseDuration('1.5 hours')).toBe(5400);
    expect(parseDuration('0.5m')).toBe(30);
    expect(parseDuration('1.5s')).toBeNull();
    // A zero duration is a duration (0), for the setting to refuse with its range.
    expect(parseDuration('0s')).toBe(0);
    expect(parseDays('mon-fri')).toEqual([1, 2, 3, 4, 5]);
    expect(parseDays('sun-thu')).toEqual([1, 2, 3, 4, 7]);
    expect(parseDays('mon,wed,fri')).toEqual([1, 3, 5]);
    expect(parseDays('funday')).toBeNull();
    expect(parseTimeRange('09:00-17:30')).toEqual({ startMinute: 540, endMinute: 1050 });
    expect(parseTimeRange('17:00-09:00')).toBeNull();
    expect(parseTimeRange('09:75-10:00')).toBeNull();
  });

  it('reads business hours on the 12-hour clock as digest times are read (helper-303, finding 2)', () => {
    // `hours mon-fri 9am-5pm` was refused though `digest add … at 8am` is read.
    expect(parseTimeRange('9am-5pm')).toEqual({ startMinute: 540, endMinute: 1020 });
    expect(parseTimeRange('9:30am-5:30pm')).toEqual({ startMinute: 570, endMinute: 1050 });
    expect(parseTimeRange('9 a.m. to 5 p.m.')).toEqual({ startMinute: 540, endMinute: 1020 });
    // 12pm is noon; 12am is midnight: the start of the day, or as the end, its end.
    expect(parseTimeRange('12am-12pm')).toEqual({ startMinute: 0, endMinute: 720 });
    expect(parseTimeRange('12pm-12am')).toEqual({ startMinute: 720, endMinute: 1440 });
    // The 24-hour forms read as before.
    expect(parseTimeRange('9-17')).toEqual({ startMinute: 540, endMinute: 1020 });
    expect(parseTimeRange('08:00-24:00')).toEqual({ startMinute: 480, endMinute: 1440 });
    for (const refused of ['13pm-5pm', '0am-5pm', '9am', '9am-5pm-6pm', '8:5-17:00', '24:00-24:00'])
      expect(parseTimeRange(refused)).toBeNull();
    expect(parseAlertsCommand(['set', 'hours', 'mon-fri', '9am-5pm'])).toEqual({
      ok: true,
      action: 'set',
      team: null,
      patch: { hours: { kind: 'hours', days: [1, 2, 3, 4, 5], startMinute: 540, endMinute: 1020 } },
    });
    // Written with spaces, the range still runs up to `tz`.
    expect(
      parseAlertsCommand(['set', 'hours', 'weekdays', '9', 'am', '-', '5:30', 'pm', 'tz', 'Europe/London']),
    ).toMatchObject({ patch: { hours: { startMinute: 540, endMinute: 1050, timezone: 'Europe/London' } } });
  });

  it('refuses business hours that end before they start, saying how to write a 9-to-5 day', () => {
    const bad = (tokens: string[]) => {
      const r = parseAlertsCommand(tokens);
      return r.ok ? 'ok' : r.error;
    };
    // Without am/pm, `9-5` is 09:00 to 05:00: refused, with both ways to write what was meant.
    expect(bad(['set', 'hours', 'mon-fri', '9-5'])).toBe(
      '`9-5` ends before it starts: without am/pm, 5 is read on the 24-hour clock. Write `9am-5pm` or `09:00-17:00`.',
    );
    expect(bad(['set', 'hours', 'mon-fri', '8:30am-4:30'])).toBe(
      '`8:30am-4:30` ends before it starts: without am/pm, 4:30 is read on the 24-hour clock. Write `8:30am-4:30pm` or `08:30-16:30`.',
    );
    // A range that cannot be meant in the afternoon is no 12-hour slip: it runs past midnight.
    expect(bad(['set', 'hours', 'mon-fri', '10pm-6am'])).toBe(
      '`10pm-6am` ends before it starts: business hours start and end on the same day (the end may be midnight, `24:00`).',
    );
    // Start equal to end (fresh tester, LOW): not "ends before it starts".
    expect(bad(['set', 'hours', 'mon-fri', '9am-9am'])).toBe(
      "`9am-9am` starts and ends at the same time: give when the day's business hours start and when they end, e.g. `9am-5pm`, or say `always` for every hour.",
    );
    expect(bad(['set', 'hours', 'mon-fri', '21:00-21:00'])).toContain('starts and ends at the same time');
    // `9-9` may be a 12-hour slip: the afternoon reading is offered, as for `9-5`.
    expect(bad(['set', 'hours', 'mon-fri', '9-9'])).toContain('Write `9am-9pm` or `09:00-21:00`');
    expect(bad(['set', 'hours', 'mon-fri', '17:00-09:00'])).toContain(
      'business hours start and end on the same day',
    );
    expect(bad(['set', 'hours', 'mon-fri', '13pm-5pm'])).toBe(
      '`13pm-5pm` is not a time range like `09:00-17:30` or `9am-5:30pm` (hours 0–23 or 1–12 am/pm, minutes 0–59).',
    );
  });

  it('parses each setting, with the team anywhere', () => {
    expect(parseAlertsCommand([])).toEqual({ ok: true, action: 'show', team: null });
    expect(parseAlertsCommand(['set', 'sla', '10m', 'team', 'North', 'America'])).toEqual({
      ok: true,
      action: 'set',
      team: 'North America',
      patch: { slaSeconds: 600 },
    });
    expect(parseAlertsCommand(['set', 'hours', 'mon-fri', '09:00-17:30', 'tz', 'Europe/London'])).toEqual({
      ok: true,
      action: 'set',
      team: null,
      patch: {
        hours: {
          kind: 'hours',
          days: [1, 2, 3, 4, 5],
          startMinute: 540,
          endMinute: 1050,
          timezone: 'Europe/London',
        },
      },
    });
    expect(parseAlertsCommand(['set', 'sla', '10', 'minutes', 'team', 'EMEA'])).toEqual({
      ok: true,
      action: 'set',
      team: 'EMEA',
      patch: { slaSeconds: 600 },
    });
    expect(parseAlertsCommand(['set', 'escalation', '2', 'hours'])).toMatchObject({
      patch: { escalationSeconds: 7200 },
    });
    expect(parseAlertsCommand(['set', 'hours', 'always'])).toMatchObject({
      patch: { hours: { kind: 'always' } },
    });
    expect(parseAlertsCommand(['set', 'slip', 'off'])).toMatchObject({ patch: { slipEnabled: false } });
    expect(parseAlertsCommand(['set', 'channel', '<#C0LEADS|sales-leads>'])).toMatchObject({
      patch: { channelId: 'C0LEADS' },
    });
    expect(parseAlertsCommand(['set', 'channel', 'off'])).toMatchObject({ patch: { channelId: null } });
    expect(parseAlertsCommand(['set', 'escalation', 'default'])).toMatchObject({
      patch: { escalationSeconds: null },
    });
  });

  it('explains bad input without throwing', () => {
    const bad = (tokens: string[]) => {
      const r = parseAlertsCommand(tokens);
      return r.ok ? 'ok' : r.error;
    };
    expect(bad(['set', 'sla', '5'])).toContain('duration');
    expect(bad(['set', 'sla', '10s'])).toContain('between 30s and 24h');
    // Helper-303 (finding 1): `sla 0s` was "Give the SLA as a duration" without the range it must be in.
    expect(bad(['set', 'sla', '0s'])).toBe('The SLA must be between 30s and 24h: got `0s`.');
    expect(bad(['set', 'sla', '0', 'minutes'])).toBe('The SLA must be between 30s and 24h: got `0 minutes`.');
    // A fraction of a second (fresh tester, LOW): said, with the whole seconds either side, not "not a duration".
    // A zone typed in lower case is kept in its IANA spelling (fresh tester helper-403, LOW).
    expect(parseAlertsCommand(['set', 'hours', 'mon-fri', '9am-5pm', 'tz', 'europe/london'])).toMatchObject({
      ok: true,
      patch: { hours: { timezone: 'Europe/London' } },
    });
    expect(bad(['set', 'sla', '45.5s'])).toBe(
      '`45.5s` has a fraction of a second: durations are kept in whole seconds. Write `45s` or `46s`.',
    );
    // Only whole seconds in the range are offered (fresh tester helper-403: `29s` is under the SLA's 30 s).
    expect(bad(['set', 'sla', '29.9s'])).toBe(
      '`29.9s` has a fraction of a second: durations are kept in whole seconds. Write `30s`.',
    );
    expect(bad(['set', 'sla', '2.5s'])).toBe(
      '`2.5s` has a fraction of a second: durations are kept in whole seconds. It must be between 30s and 24h.',
    );
    expect(bad(['set', 'escalation', '1m', '0.5s'])).toBe(
      '`1m 0.5s` has a fraction of a second: durations are kept in whole seconds. Write `1m 0s` or `1m 1s`.',
    );
    expect(bad(['set', 'sla', 'x.5s'])).toContain('Give the SLA as a duration');
    expect(bad(['set', 'sla', '25h'])).toBe('The SLA must be between 30s and 24h: got `25h`.');
    expect(bad(['set', 'escalation', '0m'])).toBe('Escalation must be between 1m and 7d: got `0m`.');
    expect(bad(['set', 'escalation', '8d'])).toBe('Escalation must be between 1m and 7d: got `8d`.');
    expect(bad(['set', 'hours', 'mon-fri', '09:00-17:30', 'tz', 'Mars/Base'])).toContain(
      '`Mars/Base` is not a time zone',
    );
    expect(bad(['set', 'channel', 'sales-leads'])).toContain('# list');
    expect(bad(['set', 'volume', 'up'])).toContain('Say what to set');
    expect(bad(['frobnicate', '<!channel>'])).toContain('`frobnicate`');
    expect(bad(['set', 'sla', '10m', 'team'])).toContain('Name the team');
  });
});

const stub = useSlackApiStub();

describeDb('/metrics alerts', (ctx) => {
  let world: World;
  beforeEach(async () => {
    world = await seedWorld(ctx.db());
  });
  const caller = (over: Partial<Caller>): Caller => ({
    slackUserId: 'U0MIA',
    repId: world.mia,
    name: 'Mia Chen',
    email: 'mia@example.com',
    role: 'manager',
    teamIds: [world.teamId],
    managedTeamIds: [world.teamId],
    timezone: null,
    ...over,
  });
  // Monday 23 Nov 2026, 10:00 UTC.
  const now = new Date('2026-11-23T10:00:00Z');
  const run = (text: string, who: Caller) => {
    const { deps } = makeDeps(ctx.database(), stub, now);
    return alertsCommand.run(deps, {
      tokens: text.split(' ').filter(Boolean),
      text,
      caller: who,
      channelId: 'C1',
      now,
    });
  };

  it('shows the defaults', async () => {
    const reply = await run('', caller({}));
    expect(reply.visibility).toBe('ephemeral');
    expect(reply.message.text).toBe(
      'Lead alerts for Inbound: SLA 5m 00s, escalation 15m 00s, hours always on, slip alerts on, channel step off.',
    );
    // Second probe (LOW): with no business hours the card said "counts business time only".
    const card = JSON.stringify(reply.message.blocks);
    expect(card).toContain('Waiting time counts every hour (no business hours are set).');
    expect(card).not.toContain('business time only');
    const hours = await run('set hours mon-fri 09:00-17:30', caller({}));
    expect(JSON.stringify(hours.message.blocks)).toContain('Waiting time counts business time only.');
  });

  it('lets the team manager set the SLA (stored on the team) and business hours', async () => {
    const reply = await run('set sla 10m', caller({}));
    expect(reply.message.text).toMatch(/^Response SLA is now 10m 00s\./);
    const [team] = await ctx.db().select().from(teams).where(eq(teams.id, world.teamId));
    expect(team?.responseSlaSeconds).toBe(600);
    await run('set hours mon-fri 09:00-17:30 tz Europe/London team inbound', caller({}));
    const settings = await getAlertSettings(ctx.db(), world.teamId, 'UTC');
    expect(settings?.hours).toEqual({
      kind: 'hours',
      days: [1, 2, 3, 4, 5],
      startMinute: 540,
      endMinute: 1050,
      timezone: 'Europe/London',
    });
    expect(settings?.escalationSeconds).toBe(1800); // default 3 × the new SLA
    // Helper-303 (finding 2): on the 12-hour clock too, said back on the 24-hour clock.
    const twelve = await run('set hours mon-fri 9am-5:30pm', caller({}));
    expect(twelve.message.text).toMatch(/^Business hours are now Mon.Fri 09:00.17:30/);
    const stored = await getAlertSettings(ctx.db(), world.teamId, 'UTC');
    expect(stored?.hours).toMatchObject({ startMinute: 540, endMinute: 1050, timezone: 'Europe/London' });
  });

  // Fresh tester helper-304 (MED): hours Mon–Fri 09:30–17:00 with `sla 24h` (escalation 3 × SLA = 72 business
  // hours, about 9.6 working days) were accepted without a word, though a lead is watched for 7 days only.
  it('warns when a step is due after more business time than the 7 days a lead is watched hold', async () => {
    const ok = await run('set hours mon-fri 09:30-17:00', caller({}));
    expect(JSON.stringify(ok.message.blocks)).not.toContain('would never be sent');
    // 5 working days of 7.5 h = 37h 30m in any 7 days: the 24h SLA fits, its 72 h escalation does not.
    const late = await run('set sla 24h', caller({}));
    expect(JSON.stringify(late.message.blocks)).toContain(
      ":warning: Tally watches a lead for 7 days after it arrives, 37.5 business hours: the manager's escalation (after 3d 0h) would never be sent. Shorten it or widen the business hours.",
    );
    // `/metrics alerts` shows it too, and both steps when the SLA is past it as well.
    await run('set escalation 2d', caller({}));
    await run('set hours mon-tue 09:00-10:00', caller({}));
    const both = JSON.stringify((await run('set sla 2h', caller({}))).message.blocks);
    expect(both).toContain(
      "watches a lead for 7 days after it arrives, 2 business hours: the owner's nudge (after the 2h 00m SLA) and the manager's escalation (after 2d 0h) would never be sent. Shorten them or widen the business hours.",
    );
    expect(JSON.stringify((await run('', caller({}))).message.blocks)).toContain('would never be sent');
    // One business hour a week (fresh tester helper-305, LOW: it said "1 business hours").
    await run('set hours mon 09:00-10:00', caller({}));
    expect(JSON.stringify((await run('', caller({}))).message.blocks)).toContain(
      'after it arrives, 1 business hour: the owner',
    );
    // Every hour counts: 7 days; an escalation of 7d is never reached.
    await run('set hours always', caller({}));
    await run('set sla 10m', caller({}));
    expect(JSON.stringify((await run('set escalation 6d', caller({}))).message.blocks)).not.toContain(
      'never',
    );
    expect(JSON.stringify((await run('set escalation 7d', caller({}))).message.blocks)).toContain(
      ":warning: Tally watches a lead for 7 days after it arrives: the manager's escalation (after 7d 0h) would never be sent. Shorten it.",
    );
  });

  it('refuses reps and inconsistent values with a clear message', async () => {
    const rep = caller({ slackUserId: 'U0ANA', repId: world.ana, role: 'rep', managedTeamIds: [] });
    const refused = await run('set slip off', rep);
    expect(refused.message.text).toContain('Only managers of Inbound and admins');
    const shown = await run('', rep);
    expect(shown.message.text).toContain('Lead alerts for Inbound');
    const conflict = await run('set escalation 4m', caller({}));
    expect(conflict.message.text).toContain('must be longer than the SLA (5m 00s)');
    const unknown = await run('team Mars', caller({ role: 'admin' }));
    expect(unknown.message.text).toContain('no team called “Mars”');
  });
});

describe('unreachableSteps', () => {
  const monday = new Date('2026-11-23T10:00:00Z');
  const always = { kind: 'always' } as const;
  it('lists the steps due after the business time of the 7 days a lead is watched', () => {
    const base = { slaSeconds: 600, escalationSeconds: 3 * 86_400, hours: always, channelId: null };
    expect(unreachableSteps(base, monday)).toEqual({ watchedDays: 7, watchedSeconds: 7 * 86_400, steps: [] });
    // The channel post comes at 2 × escalation: 6 days, then 8, past the 7 watched.
    expect(unreachableSteps({ ...base, channelId: 'C1' }, monday).steps).toEqual([]);
    expect(
      unreachableSteps({ ...base, channelId: 'C1', escalationSeconds: 4 * 86_400 }, monday).steps,
    ).toEqual(['channel']);
    // Mon–Fri 09:00–17:00: 40 business hours in any 7 days.
    const office: BusinessHours = {
      kind: 'hours',
      days: [1, 2, 3, 4, 5],
      startMinute: 540,
      endMinute: 1020,
      timezone: 'UTC',
    };
    const week = { ...base, hours: office, escalationSeconds: 40 * 3600 - 1 };
    expect(unreachableSteps(week, monday)).toEqual({ watchedDays: 7, watchedSeconds: 40 * 3600, steps: [] });
    expect(unreachableSteps({ ...week, escalationSeconds: 40 * 3600 }, monday).steps).toEqual(['escalation']);
  });
});
