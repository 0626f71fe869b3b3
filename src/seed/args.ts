import { z } from 'zod';
import { parseCli } from '../cli/args.js';

/** What `npm run seed -- …` asked for. */
export interface SeedArgs {
  profile: 'custom' | 'bench';
  reps?: number;
  days?: number;
  seed?: number;
  now?: Date;
  leadsPerRepDay?: number;
  chunkSize?: number;
  reset: boolean;
}

export const SEED_USAGE = `Usage: npm run seed -- [--reps 40] [--days 365] [--seed 42] [--now 2026-11-23T09:00:00Z]
                       [--leads-per-day 1.5] [--chunk 25000] [--reset]
       npm run seed -- --profile bench     (500+ reps, 1M+ leads, 10M+ activities; reused when present)
Writes into DATABASE_URL when set, else the embedded PGlite database under TALLY_DATA_DIR. --help: this text.`;

const int = (name: string, min: number, max: number) =>
  z.coerce
    .number({ error: `--${name} must be a number` })
    .int(`--${name} must be a whole number`)
    .min(min, `--${name} must be at least ${min}`)
    .max(max, `--${name} must be at most ${max}`)
    .optional();

const schema = z.object({
  profile: z.enum(['custom', 'bench'], { error: '--profile must be bench (or omitted)' }).default('custom'),
  reps: int('reps', 10, 20_000),
  days: int('days', 1, 3_650),
  seed: int('seed', 0, 2 ** 31 - 1),
  now: z
    .string()
    .refine(
      (s) => !Number.isNaN(Date.parse(s)),
      '--now must be an ISO date-time such as 2026-11-23T09:00:00Z',
    )
    .transform((s) => new Date(s))
    .optional(),
  'leads-per-day': z.coerce
    .number({ error: '--leads-per-day must be a number' })
    .min(0.1)
    .max(200)
    .optional(),
  chunk: int('chunk', 1_000, 200_000),
  reset: z.boolean().default(false),
});

/**
 * Parses CLI arguments; returns one clear message on bad input instead of throwing. `--help` gives
 * `{ ok: false, help: true, message: SEED_USAGE }` (print it, exit 0).
 */
export function parseSeedArgs(
  argv: string[],
): { ok: true; args: SeedArgs } | { ok: false; message: string; help?: true } {
  let values: Record<string, unknown>;
  try {
    const cli = parseCli(argv, {
      profile: { type: 'string' },
      reps: { type: 'string' },
      days: { type: 'string' },
      seed: { type: 'string' },
      now: { type: 'string' },
      'leads-per-day': { type: 'string' },
      chunk: { type: 'string' },
      reset: { type: 'boolean' },
    });
    if (cli.help) return { ok: false, help: true, message: SEED_USAGE };
    values = cli.values;
  } catch (err) {
    return { ok: false, message: `${(err as Error).message}\n${SEED_USAGE}` };
  }
  const parsed = schema.safeParse(values);
  if (!parsed.success) return { ok: false, message: parsed.error.issues.map((i) => i.message).join('; ') };
  const v = parsed.data;
  if (v.profile === 'bench' && (v.reps || v.days || v['leads-per-day'])) {
    return { ok: false, message: '--profile bench has fixed sizes; drop --reps/--days/--leads-per-day' };
  }
  return {
    ok: true,
    args: {
      profile: v.profile,
      reps: v.reps,
      days: v.days,
      seed: v.seed,
      now: v.now,
      leadsPerRepDay: v['leads-per-day'],
      chunkSize: v.chunk,
      reset: v.reset,
    },
  };
}
