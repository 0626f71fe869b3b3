import { fold } from '../core/fold.js';
import type { RowCheckLog } from './warning-kinds.js';
import type { RowTable } from './warning-rows.js';

const ROLE_ONLY = 'manager role without is_manager';

/**
 * A reps file's or request's `role` and `is_manager` that disagree, and the rows that settle the
 * disagreement: a person another row's manager_name names, or whom the writer found to manage a team.
 */
export class ManagerRoles {
  /** Folded manager_name values of a reps file or request, and those that are email addresses: seeManagerName. */
  private readonly managerNames = new Set<string>();
  private readonly managerEmails = new Set<string>();

  /** Rows that raised 'manager role without is_manager': line, folded name, email, value held, row-table entry. */
  private readonly roleOnly: { line: number; name: string; email: string; held: string; row: number }[] = [];

  /** Lines (item indexes) whose rep the writer found to manage a team once written (stored). */
  private readonly storedManagerLines = new Set<number>();

  /** Lines (item indexes) whose 'manager role without is_manager' another row's manager_name settled. */
  readonly settledLines = new Set<number>();

  /**
   * Counts a rep whose `role` and `is_manager` disagree, both stored as given: `role=manager` without
   * `is_manager=yes` manages no team by itself (src/access/permissions.ts), and `is_manager=yes` with
   * `role=rep` registers a team's manager who sees only what a rep sees. `entry()`: the row-table entry
   * of the row, once it raised a warning (-1 before).
   */
  check(log: RowCheckLog, item: Record<string, unknown>, line: number, entry: () => number): void {
    // Quoted per row (tester: a file's summary said "not given" for a row with is_manager=no, the first row's).
    if (item.role === 'manager' && item.is_manager !== true) {
      const name = typeof item.name === 'string' ? fold(item.name) : '';
      const email = typeof item.email === 'string' ? item.email.toLowerCase() : '';
      const held = item.is_manager === false ? 'no' : 'not given';
      log.addQuoted(
        ROLE_ONLY,
        line,
        held,
        (held) =>
          `role is manager but is_manager is ${held.join(' or ')}: stored as given, but the role alone manages no team: they see what a rep sees until is_manager=yes with their team (or another row's manager_name naming them) makes them a team's manager`,
      );
      this.roleOnly.push({ line, name, email, held, row: entry() });
    }
    if (item.role === 'rep' && item.is_manager === true)
      log.add(
        'is_manager with rep role',
        line,
        () =>
          `is_manager is yes but role is rep: stored as given, so the rep is registered as the team's manager but sees only what a rep sees; write role manager, or leave role empty, to give them a manager's view`,
      );
  }

  /**
   * Remembers a reps row's manager_name (folded, or an email address in lower case, as the writer reads it:
   * src/ingest/reps.ts, ensureManager): the person it names is made a team's manager, so their own row's
   * role=manager without is_manager is no disagreement (settle).
   */
  seeManagerName(item: Record<string, unknown>): void {
    const named = item.manager_name;
    if (typeof named !== 'string' || named === '') return;
    if (named.includes('@')) this.managerEmails.add(named.toLowerCase());
    else this.managerNames.add(fold(named));
  }

  /** Marks the row at `line` (an item index in a request) as one whose rep manages a team once written. */
  stored(line: number): void {
    this.storedManagerLines.add(line);
  }

  /**
   * Drops the 'manager role without is_manager' warnings (in `rows`) of rows whose person another row's
   * manager_name makes a team's manager (in either order in the file or request), or whose rep the writer
   * found to manage a team once written (`stored`: a person already stored as a team's manager). Idempotent.
   */
  settle(rows: RowTable): void {
    if (
      this.roleOnly.length === 0 ||
      this.managerNames.size + this.managerEmails.size + this.storedManagerLines.size === 0
    )
      return;
    for (const r of this.roleOnly) {
      const named =
        (r.name !== '' && this.managerNames.has(r.name)) ||
        (r.email !== '' && this.managerEmails.has(r.email)) ||
        this.storedManagerLines.has(r.line);
      if (!named) continue;
      this.settledLines.add(r.line);
      if (r.row < 0 || rows.lineOf(r.row) !== r.line) continue;
      rows.clear(r.row, ROLE_ONLY);
    }
    // A row left warning whose value only a dropped row kept (a row is kept per value) keeps it now.
    for (const r of this.roleOnly) {
      if (this.settledLines.has(r.line) || r.row < 0) continue;
      if (rows.has(r.row, ROLE_ONLY)) rows.keepValue(r.row, ROLE_ONLY, r.held);
    }
  }
}
