import { FIRST_NAMES, LAST_NAMES, TEAM_SEEDS, type TeamSeed } from './catalog.js';
import { clamp, Random } from './random.js';

const DAY = 86_400_000;

/** One stretch of a rep's membership: [from, to), to null = current. */
export interface MembershipPlan {
  teamIndex: number;
  from: number;
  to: number | null;
}

/** How a selling rep behaves; drawn once per rep so some reps are clearly better than others. */
export interface RepTraits {
  /** Median minutes from lead creation to first touch. */
  speedMinutes: number;
  /** Share of leads never touched at all. */
  neglect: number;
  connectRate: number;
  openRate: number;
  replyRate: number;
  /** Base probability of winning a deal, before the product's factor. */
  winRate: number;
  qualifyFactor: number;
  /** Multiplier on follow-up touches. */
  persistence: number;
  /** Multiplier on new leads per day. */
  volume: number;
}

export interface RepPlan {
  index: number;
  name: string;
  email: string;
  role: 'rep' | 'manager' | 'admin';
  active: boolean;
  /** Managers and the admin do not own leads. */
  selling: boolean;
  memberships: MembershipPlan[];
  traits: RepTraits;
}

export interface OrgPlan {
  teams: TeamSeed[];
  reps: RepPlan[];
  /** Index into `reps` of each team's manager, by team index. */
  managers: number[];
}

/** Splits `n` people over the teams by weight (largest remainder), at least one per team. */
export function splitByWeight(n: number, teams: TeamSeed[]): number[] {
  const raw = teams.map((t) => t.weight * n);
  const counts = raw.map((r) => Math.max(1, Math.floor(r)));
  let left = n - counts.reduce((a, b) => a + b, 0);
  const order = raw.map((r, i) => ({ i, frac: r - Math.floor(r) })).sort((a, b) => b.frac - a.frac);
  for (let k = 0; left > 0; k++, left--) counts[order[k % order.length]!.i]!++;
  return counts;
}

function drawTraits(rng: Random): RepTraits {
  return {
    speedMinutes: clamp(rng.logNormal(25, 0.9), 2, 300),
    neglect: clamp(rng.logNormal(0.015, 0.8), 0, 0.08),
    connectRate: clamp(rng.normal(0.24, 0.05), 0.12, 0.38),
    openRate: clamp(rng.normal(0.5, 0.06), 0.35, 0.65),
    replyRate: clamp(rng.normal(0.1, 0.025), 0.04, 0.16),
    winRate: clamp(rng.normal(0.24, 0.07), 0.08, 0.45),
    qualifyFactor: clamp(rng.normal(1, 0.15), 0.6, 1.4),
    persistence: clamp(rng.normal(1, 0.25), 0.5, 1.6),
    volume: clamp(rng.normal(1, 0.2), 0.5, 1.5),
  };
}

/**
 * Plans the people: teams, reps with names and emails, one manager per team (the first is Ana Lopez),
 * an admin outside the teams, a few later hires, a leaver and at least one rep who moved teams halfway.
 */
export function planOrg(reps: number, seed: number, startMs: number, endMs: number): OrgPlan {
  const rng = new Random(seed, 1_000_003);
  const teams = TEAM_SEEDS;
  const counts = splitByWeight(Math.max(reps, teams.length * 2), teams);
  const used = new Set<string>(['ana.lopez']);
  const people: RepPlan[] = [];
  const managers: number[] = [];
  const window = endMs - startMs;

  const nextName = (): { name: string; email: string } => {
    for (;;) {
      const first = rng.pick(FIRST_NAMES);
      const last = rng.pick(LAST_NAMES);
      const base = `${first}.${last}`.toLowerCase().replace(/[^a-z.]/g, (c) => (c === 'ü' ? 'u' : ''));
      let local = base;
      for (let k = 2; used.has(local); k++) local = `${base}${k}`;
      used.add(local);
      return { name: `${first} ${last}`, email: `${local}@example.com` };
    }
  };

  teams.forEach((_team, t) => {
    for (let k = 0; k < counts[t]!; k++) {
      const index = people.length;
      const isManager = k === 0;
      const who = index === 0 ? { name: 'Ana Lopez', email: 'ana.lopez@example.com' } : nextName();
      const repRng = new Random(seed, index + 1);
      let from = startMs - rng.int(30, 900) * DAY;
      if (!isManager && rng.chance(0.12)) from = startMs + Math.floor(rng.next() * 0.6 * window);
      people.push({
        index,
        ...who,
        role: isManager ? 'manager' : 'rep',
        active: true,
        selling: !isManager,
        memberships: [{ teamIndex: t, from, to: null }],
        traits: drawTraits(repRng),
      });
      if (isManager) managers.push(index);
    }
  });

  // Team movers: the second person of the first team, plus about 1% more in large orgs; halfway through.
  const sellers = people.filter((p) => p.selling && p.memberships[0]!.from < startMs);
  const movers = [sellers[0], ...sellers.filter((_, i) => i > 0 && i % 97 === 0)];
  for (const m of movers) {
    if (!m) continue;
    const first = m.memberships[0]!;
    const moveAt = startMs + Math.floor(window / 2);
    first.to = moveAt;
    m.memberships.push({ teamIndex: (first.teamIndex + 1) % teams.length, from: moveAt, to: null });
  }
  // One leaver: inactive, membership closed at 70% of the window.
  const leaver = sellers[sellers.length - 1];
  if (leaver && leaver.memberships.length === 1 && sellers.length > 3) {
    leaver.active = false;
    leaver.memberships[0]!.to = startMs + Math.floor(window * 0.7);
  }

  people.push({
    index: people.length,
    name: 'Sam Admin',
    email: 'admin@example.com',
    role: 'admin',
    active: true,
    selling: false,
    memberships: [],
    traits: drawTraits(new Random(seed, people.length + 1)),
  });
  return { teams, reps: people, managers };
}

/** The team a rep belongs to at `ms`, or -1. */
export function teamAt(rep: RepPlan, ms: number): number {
  for (const m of rep.memberships) if (m.from <= ms && (m.to === null || ms < m.to)) return m.teamIndex;
  return -1;
}
