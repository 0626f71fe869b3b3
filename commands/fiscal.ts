import {
  describeFiscalCalendar,
  FISCAL_SETTING_EXAMPLES,
  type FiscalCalendar,
  fiscalCalendarFor,
  parseFiscalSetting,
  parsePeriod,
  saveFiscalCalendar,
} from '../src/metrics/index.js';
import { buildNoticeMessage } from '../src/slack/blocks/notice.js';
import { escapeMrkdwn } from '../src/slack/mrkdwn.js';
import type { Reply } from '../src/slack/reply.js';
import type { CommandInput, Subcommand } from './types.js';

const USAGE =
  'Usage: `/metrics fiscal` · `/metrics fiscal set february` · `/metrics fiscal set 4-4-5 last saturday of january` · `/metrics fiscal reset` (admins)';

/**
 * `/metrics fiscal [set <calendar> | reset]`: shows the org's fiscal calendar with the current quarter, or
 * (admins only) sets it. `this quarter`, `q3`, `this year`, `FY2027`, `Q3 FY2027`, quarterly targets, pace,
 * series and digests follow it. Without a stored calendar TALLY_FISCAL_YEAR applies, else the calendar year.
 */
export const fiscalCommand: Subcommand = {
  name: 'fiscal',
  aliases: ['fiscalyear', 'fy'],
  summary: 'See the fiscal calendar quarters follow, or set it (admins).',
  usage: [
    '/metrics fiscal',
    '/metrics fiscal set february',
    '/metrics fiscal set 4-4-5 last saturday of january',
    '/metrics fiscal reset',
  ],
  changes: ([verb]) => ['set', 'reset'].includes(verb?.toLowerCase() ?? ''),
  run: async (deps, input) => {
    const [verb, ...rest] = input.tokens;
    const word = verb?.toLowerCase();
    if (word === undefined || word === 'show') return show(deps, input, null);
    if (word !== 'set' && word !== 'reset')
      return reply(
        buildNoticeMessage(`\`fiscal ${escapeMrkdwn(verb ?? '')}\` is not something I know.`, USAGE),
      );
    if (input.caller.role !== 'admin')
      return reply(buildNoticeMessage('Only admins can change the fiscal calendar.', USAGE));
    if (word === 'reset') {
      await saveFiscalCalendar(deps.db, null, input.caller.repId);
      return show(deps, input, 'Fiscal calendar reset to the default.');
    }
    const parsed = parseFiscalSetting(rest.join(' '));
    if (!parsed.ok) return reply(buildNoticeMessage(escapeMrkdwn(parsed.error), USAGE));
    await saveFiscalCalendar(deps.db, parsed.calendar, input.caller.repId);
    return show(deps, input, 'Fiscal calendar saved.');
  },
};

async function show(deps: Parameters<Subcommand['run']>[0], input: CommandInput, done: string | null) {
  const cal: FiscalCalendar | undefined = await fiscalCalendarFor(deps.db, deps.config.fiscalDefault);
  const describe = cal ? describeFiscalCalendar(cal) : 'Calendar year (fiscal year starts 1 January)';
  const now = parsePeriod('this quarter', {
    now: input.now,
    timezone: deps.config.defaultTimezone,
    ...(cal ? { fiscal: cal } : {}),
  });
  const quarter = now.ok ? ` This quarter: *${escapeMrkdwn(now.period.label)}*.` : '';
  const text = `${done ? `${done} ` : ''}${escapeMrkdwn(describe)}.${quarter}`;
  return reply(
    buildNoticeMessage(
      text,
      input.caller.role === 'admin'
        ? `Change it: ${FISCAL_SETTING_EXAMPLES.map((e) => `\`/metrics fiscal set ${e}\``).join(' · ')}`
        : undefined,
    ),
  );
}

function reply(message: Reply['message']): Reply {
  return { visibility: 'ephemeral', message };
}
