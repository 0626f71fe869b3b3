import type { MetricId } from '../types.js';
import { callsComputer, emailsComputer, meetingsComputer } from './activities.js';
import type { MetricComputer } from './aggregate.js';
import { arpuComputer } from './arpu.js';
import { clvComputer } from './clv.js';
import { coverageComputer } from './coverage.js';
import { arrComputer, retentionComputer } from './customers.js';
import { cycleComputer, dealsizeComputer, oppsComputer, revenueComputer, winrateComputer } from './deals.js';
import { leadCycleComputer } from './lead-cycle.js';
import { conversionComputer, responseComputer } from './leads.js';
import { lostComputer } from './lost.js';

/** Which computer answers which metric. */
export const COMPUTERS: Record<MetricId, MetricComputer> = {
  response: responseComputer,
  conversion: conversionComputer,
  retention: retentionComputer,
  clv: clvComputer,
  arr: arrComputer,
  calls: callsComputer,
  emails: emailsComputer,
  meetings: meetingsComputer,
  winrate: winrateComputer,
  dealsize: dealsizeComputer,
  revenue: revenueComputer,
  cycle: cycleComputer,
  opps: oppsComputer,
  lostdeals: lostComputer,
  leadcycle: leadCycleComputer,
  coverage: coverageComputer,
  arpu: arpuComputer,
};
