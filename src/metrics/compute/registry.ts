import type { MetricId } from '../types.js';
import { callsComputer, emailsComputer, meetingsComputer } from './activities.js';
import type { MetricComputer } from './aggregate.js';
import { cycleComputer, dealsizeComputer, oppsComputer, revenueComputer, winrateComputer } from './deals.js';

/** Which computer answers which metric. */
export const COMPUTERS: Partial<Record<MetricId, MetricComputer>> = {
  calls: callsComputer,
  emails: emailsComputer,
  meetings: meetingsComputer,
  winrate: winrateComputer,
  dealsize: dealsizeComputer,
  revenue: revenueComputer,
  cycle: cycleComputer,
  opps: oppsComputer,
};
