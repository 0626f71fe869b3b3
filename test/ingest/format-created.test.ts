import { expect, it } from 'vitest';
import { formatCreated } from '../../src/ingest/names.js';

// Fresh tester helper-404 (LOW): "created 2 accounts: Acme, Inc., Beta" could be three accounts or two.
it('quotes a created name that holds a comma or a semicolon, so the list reads one way', () => {
  expect(
    formatCreated({
      reps: [
        { name: 'Ode, Sam', email: null },
        { name: 'Di', email: 'di@x.com' },
        { name: 'Lee; Kim', email: 'lk@x.com' },
      ],
      accounts: ['Acme, Inc.', 'Beta', 'Hooli, "West"'],
      teams: ['EMEA'],
    }),
  ).toBe(
    'created 1 rep (no email): "Ode, Sam"; 2 reps: Di <di@x.com>, "Lee; Kim" <lk@x.com>; 3 accounts: "Acme, Inc.", Beta, "Hooli, ""West"""; 1 team: EMEA',
  );
});
