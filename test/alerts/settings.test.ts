import { eq } from 'drizzle-orm';
import { beforeEach, describe, expect, it } from 'vitest';
import { alertsCommand } from '../../commands/alerts.js';
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
