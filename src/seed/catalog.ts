/** Fixed vocabularies for the demo org: teams, names, lead sources, products, stages. */

export interface TeamSeed {
  name: string;
  timezone: string;
  /** Share of reps in this team. */
  weight: number;
  /** Currency mix of this team's deals: [USD, EUR, GBP]. */
  currencies: [number, number, number];
}

export const TEAM_SEEDS: TeamSeed[] = [
  { name: 'NA East', timezone: 'America/New_York', weight: 0.26, currencies: [1, 0, 0] },
  { name: 'NA West', timezone: 'America/Los_Angeles', weight: 0.22, currencies: [1, 0, 0] },
  { name: 'EMEA', timezone: 'Europe/Berlin', weight: 0.2, currencies: [0.55, 0.45, 0] },
  { name: 'UK', timezone: 'Europe/London', weight: 0.16, currencies: [0.45, 0.05, 0.5] },
  { name: 'APAC', timezone: 'Asia/Singapore', weight: 0.16, currencies: [1, 0, 0] },
];

export const CURRENCIES = ['USD', 'EUR', 'GBP'] as const;

export const FIRST_NAMES = [
  'Ana',
  'Liam',
  'Priya',
  'Noah',
  'Mei',
  'Lucas',
  'Sofia',
  'Ethan',
  'Aisha',
  'Mateo',
  'Chloe',
  'Omar',
  'Hannah',
  'Kenji',
  'Isabel',
  'Daniel',
  'Fatima',
  'Jonas',
  'Grace',
  'Ravi',
  'Elena',
  'Samuel',
  'Zoe',
  'Tomas',
  'Leila',
  'Marcus',
  'Yuki',
  'Nina',
  'Diego',
  'Amara',
  'Felix',
  'Maya',
  'Hugo',
  'Ingrid',
  'Kwame',
  'Olivia',
  'Arjun',
  'Lena',
  'Victor',
  'Sara',
  'Ben',
  'Clara',
  'Malik',
  'Emma',
  'Jin',
  'Rosa',
  'Adam',
  'Freya',
  'Tariq',
  'Julia',
  'Nikolai',
  'Ines',
  'Caleb',
  'Mina',
  'Oscar',
  'Lucia',
  'Theo',
  'Alina',
  'Rafael',
];

export const LAST_NAMES = [
  'Lopez',
  'Smith',
  'Patel',
  'Müller',
  'Chen',
  'Garcia',
  'Kim',
  'Okafor',
  'Rossi',
  'Novak',
  'Silva',
  'Nguyen',
  'Johansson',
  'Khan',
  'Dubois',
  'Tanaka',
  'Brown',
  'Schmidt',
  'Haddad',
  'Kowalski',
  'Murphy',
  'Santos',
  'Ivanova',
  'Walker',
  'Fischer',
  'Mendes',
  'Singh',
  'Andersen',
  'Moreau',
  'Costa',
  "O'Brien",
  'Yamamoto',
  'Hughes',
  'Weber',
  'Ali',
  'Jensen',
  'Romero',
  'Park',
  'Wright',
  'Nakamura',
  'Baker',
  'Lund',
];

export const COMPANY_PREFIXES = [
  'Acme',
  'Blue',
  'Nimbus',
  'Vertex',
  'Orbit',
  'Pioneer',
  'Summit',
  'Cedar',
  'Harbor',
  'Quantum',
  'Nova',
  'Bright',
  'Iron',
  'Silver',
  'Atlas',
  'Lumen',
  'Granite',
  'Maple',
  'Falcon',
  'Delta',
  'Aurora',
  'Beacon',
  'Cobalt',
  'Echo',
  'Helix',
  'Juniper',
  'Keystone',
  'Meridian',
  'Northwind',
  'Polar',
  'Redwood',
  'Sierra',
];

export const COMPANY_SUFFIXES = [
  'Labs',
  'Systems',
  'Logistics',
  'Health',
  'Foods',
  'Analytics',
  'Retail',
  'Energy',
  'Capital',
  'Media',
  'Robotics',
  'Software',
  'Partners',
  'Works',
  'Dynamics',
  'Networks',
  'Biotech',
  'Freight',
  'Studios',
];

export const COMPANY_FORMS = ['Inc', 'GmbH', 'Ltd', 'LLC', 'Pte Ltd', 'BV', 'SA', 'Co'];

export interface SourceSeed {
  name: string;
  weight: number;
  /** Multiplier on the base qualification rate. */
  quality: number;
}

export const LEAD_SOURCES: SourceSeed[] = [
  { name: 'Inbound web', weight: 34, quality: 1.15 },
  { name: 'Outbound list', weight: 24, quality: 0.55 },
  { name: 'Referral', weight: 12, quality: 1.6 },
  { name: 'Event', weight: 11, quality: 0.95 },
  { name: 'Partner', weight: 11, quality: 1.3 },
  { name: 'Webinar', weight: 8, quality: 0.9 },
];

export interface ProductSeed {
  name: string;
  /** Annual list price per seat, in major units of the deal currency. */
  seatPrice: number;
  /** Median seats per deal. */
  seats: number;
  weight: number;
  /** Multiplier on the rep's win probability. */
  winFactor: number;
  /** Median sales cycle in days. */
  cycleDays: number;
}

export const PRODUCTS: ProductSeed[] = [
  { name: 'Starter', seatPrice: 240, seats: 8, weight: 35, winFactor: 1.25, cycleDays: 14 },
  { name: 'Growth', seatPrice: 600, seats: 15, weight: 30, winFactor: 1.0, cycleDays: 30 },
  { name: 'Pro Analytics', seatPrice: 1_200, seats: 20, weight: 18, winFactor: 0.9, cycleDays: 45 },
  { name: 'Enterprise', seatPrice: 2_400, seats: 60, weight: 10, winFactor: 0.7, cycleDays: 90 },
  { name: 'Onboarding Services', seatPrice: 5_000, seats: 1, weight: 7, winFactor: 1.1, cycleDays: 21 },
];

/** Open stages in order; an open deal's stage reflects how far through its cycle it is. */
export const OPEN_STAGES = ['Discovery', 'Demo', 'Proposal', 'Negotiation'] as const;

/**
 * Why deals are lost, as reps type them into a CRM: a few common reasons, some spelled two ways (metrics
 * group them after trimming and lower-casing), with weights. `LOSS_REASON_SHARE` of lost deals carry one.
 */
export const LOSS_REASONS: readonly string[] = [
  'Price too high',
  'price too high ',
  'Chose a competitor',
  'No budget',
  'Timing — not a priority now',
  'No decision',
  'Missing feature',
  'Went dark',
  'Chose to build in-house',
];
export const LOSS_REASON_WEIGHTS: readonly number[] = [22, 4, 20, 14, 12, 10, 8, 7, 3];
export const LOSS_REASON_SHARE = 0.85;
