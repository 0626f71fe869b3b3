import type { Feature, Job } from '../core/types.js';
import { registerDigestActions } from './actions.js';
import { runDueDigests } from './run.js';

/** Every minute: posts the digests whose slot has come (exactly once, see `./run.ts`). */
const digestsJob: Job = {
  name: 'digests',
  cron: '* * * * *',
  run: async (deps, now) => {
    const report = await runDueDigests(deps, now);
    if (report.posted + report.skipped + report.failed > 0)
      deps.logger.info({ job: 'digests', ...report }, 'digests run');
  },
};

/**
 * Scheduled digests' contribution to the service: the every-minute job and the "By rep" button.
 * `/metrics digest` is `commands/digest.ts`.
 */
export const digestFeature: Feature = {
  name: 'digests',
  listeners: [registerDigestActions],
  jobs: [digestsJob],
};
