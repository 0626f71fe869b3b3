import { nudgeDeliveryHandlers } from '../alerts/nudges.js';
import { slipDeliveryHandlers } from '../alerts/slip.js';
import type { Feature } from '../core/types.js';
import { type DeliveryHandlers, drainDeliveries } from '../delivery/deliver.js';
import { outboxFor } from '../delivery/outbox.js';
import { purgeOldDeliveries } from '../delivery/retention.js';
import type { Deps } from '../deps.js';
import { digestDeliveryHandlers } from '../digest/run.js';

/** Every feature's settlement handler, by delivery kind (the composition root knows them all). */
export function allDeliveryHandlers(deps: Pick<Deps, 'logger'>): DeliveryHandlers {
  return { ...digestDeliveryHandlers(deps), ...nudgeDeliveryHandlers(), ...slipDeliveryHandlers() };
}

/**
 * The delivery layer's jobs: every minute, finish whatever any instance queued and did not send (a
 * crash, a deploy, a lost database), each message claimed just before it leaves, and re-take claims
 * whose lease ran out; nightly, drop finished ledger rows older than TALLY_DELIVERY_RETENTION_DAYS.
 */
export const deliveryFeature: Feature = {
  name: 'delivery',
  jobs: [
    {
      name: 'deliveries',
      cron: '* * * * *',
      run: async (deps) => {
        const outbox = outboxFor(deps);
        if (!outbox) return;
        await drainDeliveries(deps, {
          outbox,
          handlers: allDeliveryHandlers(deps),
          slack: deps.slack,
          leaseMs: deps.config.deliveryLeaseSeconds * 1000,
          concurrency: Math.min(4, Math.ceil(deps.config.slackPostsPerSecond)),
        });
      },
    },
    {
      name: 'delivery-retention',
      cron: '17 3 * * *',
      run: async (deps) => {
        const report = await purgeOldDeliveries(deps.db, deps.config.deliveryRetentionDays);
        deps.logger.info({ job: 'delivery-retention', ...report }, 'old ledger rows removed');
      },
    },
  ],
};
