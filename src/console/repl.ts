import { randomUUID } from 'node:crypto';
import { createInterface } from 'node:readline/promises';
import { buildCaller, resolveCallerByEmail } from '../access/caller.js';
import { suggestNames } from '../access/people.js';
import { findDefaultConsoleRep, listActiveRepNames, type RepRecord } from '../access/queries.js';
import { fold } from '../core/fold.js';
import type { Caller } from '../core/types.js';
import type { Deps } from '../deps.js';
import { describeError } from '../errors.js';
import { buildNoticeMessage, COULD_NOT_LOAD } from '../slack/blocks/notice.js';
import type { Reply } from '../slack/reply.js';
import {
  type ConsoleChart,
  defaultChartPath,
  findChartButton,
  isChartButton,
  writeChartPng,
} from './chart.js';
import { type RenderedButton, renderMessage } from './render.js';

/**
 * The local console: type `/metrics winrate team` and see the exact message the bot would send,
 * rendered for the terminal. Same code path as Slack (dispatch, permissions, blocks, limits guard).
 */

/**
 * What the console asks of the rest of Tally; `src/app/console.ts` passes the `/metrics` dispatcher and
 * the answers' button handler, so the console shows exactly what Slack would get.
 */
export interface ConsoleSurface {
  /** Answers the text after `/metrics` for `caller` (channel: none). */
  ask(deps: Deps, caller: Caller, text: string, now: Date): Promise<Reply>;
  /** Presses a button of the last answer (its action id and value, as Slack would send them). */
  press(
    deps: Deps,
    caller: Caller,
    button: { actionId: string; value: string; messageId?: string },
    now: Date,
  ): Promise<Reply>;
  /** The chart behind a "Chart" button of the last answer (permission-checked like Slack's). */
  chart(
    deps: Deps,
    caller: Caller,
    button: { actionId: string; value: string },
    now: Date,
  ): Promise<ConsoleChart>;
}

export interface ConsoleOptions {
  /** The rep to act as (an email, a name or `#id`, as `as` takes); default: the first admin, else the first manager. */
  as?: string;
  /** One command to run and print, then return (the one-shot form). */
  command?: string;
  /** With `command`: also draw its answer as a PNG at this path (`--chart out.png`). */
  chart?: string;
  write?: (text: string) => void;
  /** Where the interactive console reads lines (default stdin). */
  input?: NodeJS.ReadableStream;
}

export interface ConsoleSession {
  caller: Caller | null;
  /** Why there is no caller, for people: no reps at all, or reps but no admin or manager. */
  nobody: string;
  buttons: RenderedButton[];
  /**
   * The last answer's identity, as a Slack message's ts is (new for each asked answer, kept when a button
   * replaces it in place), so "Share in channel" shares it once, as in Slack.
   */
  messageId: string;
}

/** What `as <who>` does, as the help lists it and as a bare `as` is answered. */
const AS_HELP = 'act as another rep, by email, name or #id (permissions follow them)';

const HELP = [
  'Type a command as in Slack, e.g. `/metrics winrate org` (the `/metrics` is optional).',
  `  as <who>     ${AS_HELP}`,
  '  whoami       who you are now',
  '  <number>     press a button of the last answer',
  '  chart [file]  draw the last answer as a PNG (default tally-<kind>.png in the temp dir) and print its path',
  '  quit         leave',
].join('\n');

/** Starts the console; with `command` set it answers once and returns. Returns the process exit code. */
export async function runRepl(deps: Deps, surface: ConsoleSurface, options: ConsoleOptions): Promise<number> {
  const write = options.write ?? ((t: string) => process.stdout.write(`${t}\n`));
  const session: ConsoleSession = { caller: null, nobody: '', buttons: [], messageId: randomUUID() };
  let refused: string | null = null;
  try {
    if (options.as) {
      const found = await findCallerToActAs(deps, options.as, deps.clock());
      if ('caller' in found) session.caller = found.caller;
      else refused = found.refused;
    } else session.caller = await defaultCaller(deps);
    if (!session.caller && !options.as) session.nobody = describeNobody(await listActiveRepNames(deps.db));
  } catch (err) {
    write(`Tally could not read its database: ${describeError(err).message}`);
    return 1;
  }
  if (refused !== null) {
    write(refused);
    return 1;
  }
  if (options.command !== undefined) {
    const ok = await handleLine(deps, surface, session, options.command, write);
    if (!ok) return 1;
    if (options.chart === undefined) return 0;
    return (await handleLine(deps, surface, session, `chart ${options.chart}`, write)) ? 0 : 1;
  }
  write(`Tally console — ${session.caller ? `you are ${describeCaller(session.caller)}.` : session.nobody}`);
  write(HELP);
  const input = options.input ?? process.stdin;
  const fromStdin = input === process.stdin;
  const rl = createInterface({
    input,
    ...(fromStdin ? { output: process.stdout, terminal: process.stdin.isTTY } : { terminal: false }),
  });
  rl.setPrompt('tally> ');
  rl.prompt();
  for await (const line of rl) {
    const trimmed = line.trim();
    if (trimmed === 'quit' || trimmed === 'exit') break;
    if (trimmed !== '') await handleLine(deps, surface, session, trimmed, write);
    rl.prompt();
  }
  rl.close();
  return 0;
}

/** Handles one console line; false when it could not be answered. */
async function handleLine(
  deps: Deps,
  surface: ConsoleSurface,
  session: ConsoleSession,
  line: string,
  write: (text: string) => void,
): Promise<boolean> {
  const now = deps.clock();
  // `as` with nobody after it is the console's own command missing its <who>, not a metric to guess at.
  if (/^\s*as\s*$/i.test(line)) {
    write(`Usage: \`as <who>\`: ${AS_HELP}.`);
    return false;
  }
  const asMatch = /^as\s+(.+)$/i.exec(line);
  if (asMatch) {
    let found: Awaited<ReturnType<typeof findCallerToActAs>>;
    try {
      found = await findCallerToActAs(deps, asMatch[1]!, now);
    } catch (err) {
      write(`Tally could not read its database: ${describeError(err).message}`);
      return false;
    }
    if (!('caller' in found)) {
      write(found.refused);
      return false;
    }
    session.caller = found.caller;
    write(`You are now ${describeCaller(found.caller)}.`);
    return true;
  }
  if (line === 'whoami') {
    write(session.caller ? describeCaller(session.caller) : `Nobody. ${session.nobody}`);
    return true;
  }
  if (line === '?' || line === 'commands') {
    write(HELP);
    return true;
  }
  const caller = session.caller;
  if (!caller) {
    write(session.nobody);
    return false;
  }
  const chartMatch = /^chart(?:\s+(.+))?$/i.exec(line);
  if (chartMatch) return drawChart(deps, surface, session, caller, chartMatch[1]?.trim(), write);
  const pressed = /^\d+$/.test(line) ? session.buttons.find((b) => b.number === Number(line)) : undefined;
  if (/^\d+$/.test(line) && !pressed) {
    write('No button with that number on the last answer.');
    return false;
  }
  // In Slack the Chart button uploads a picture and replies nothing: here it draws as `chart` does, instead
  // of printing nothing (tester).
  if (pressed && isChartButton(pressed))
    return drawChart(deps, surface, session, caller, undefined, write, pressed);
  const reply = await answerOrApologise(deps, () => {
    if (pressed) return surface.press(deps, caller, { ...pressed, messageId: session.messageId }, now);
    return surface.ask(deps, caller, line.replace(/^\/metrics\b\s*/i, ''), now);
  });
  const rendered = renderMessage(reply.message, reply.visibility);
  if (rendered.buttons.length > 0) {
    session.buttons = rendered.buttons;
    if (!pressed) session.messageId = randomUUID();
  }
  write(rendered.text);
  return true;
}

/**
 * `chart [file]`, or its Chart button `pressed`: the last answer's chart as a PNG; prints the absolute path
 * and the alt text.
 */
async function drawChart(
  deps: Deps,
  surface: ConsoleSurface,
  session: ConsoleSession,
  caller: Caller,
  path: string | undefined,
  write: (text: string) => void,
  pressed?: RenderedButton,
): Promise<boolean> {
  const button = pressed ?? findChartButton(session.buttons);
  if (!button) {
    write('Ask a metric first (e.g. `/metrics winrate org`): `chart` draws the last answer.');
    return false;
  }
  try {
    const found = await surface.chart(deps, caller, button, deps.clock());
    if (!found.ok) {
      write(renderMessage(found.reply.message, found.reply.visibility).text);
      return false;
    }
    const written = await writeChartPng(found.chart, path ?? defaultChartPath(found.chart));
    write(`Chart written to ${written.path} (${written.width}×${written.height} px)`);
    write(`  ${found.chart.alt}`);
    return true;
  } catch (err) {
    deps.logger.error({ err: describeError(err) }, 'console chart failed');
    write(`Could not draw or write the chart: ${describeError(err).message}`);
    return false;
  }
}

async function answerOrApologise(deps: Deps, work: () => Promise<Reply>): Promise<Reply> {
  try {
    return await work();
  } catch (err) {
    deps.logger.error({ err: describeError(err) }, 'console command failed');
    return { visibility: 'ephemeral', message: buildNoticeMessage(COULD_NOT_LOAD) };
  }
}

async function defaultCaller(deps: Deps): Promise<Caller | null> {
  const rep = await findDefaultConsoleRep(deps.db);
  return rep ? buildCaller(deps.db, rep, rep.slackUserId ?? `console:${rep.id}`, deps.clock()) : null;
}

/**
 * The rep `who` names, as `as` and `--as` take it: an email (any case), `#id`, or a whole name matched as the
 * data matches names (fold(): case, accents and spacing ignored; reps imported from a CRM's owner names
 * often have no email). A name two active reps share is refused, naming how to pick each one.
 */
async function findCallerToActAs(
  deps: Deps,
  who: string,
  now: Date,
): Promise<{ caller: Caller } | { refused: string }> {
  const said = who.trim();
  if (said.includes('@')) {
    const caller = await resolveCallerByEmail(deps.db, said, now);
    return caller
      ? { caller }
      : { refused: `No active rep has the email ${said}. Use the email of someone in the reps table.` };
  }
  const everyone = await listActiveRepNames(deps.db);
  const act = async (rep: RepRecord) => ({
    caller: await buildCaller(deps.db, rep, rep.slackUserId ?? `console:${rep.id}`, now),
  });
  const id = /^#(\d+)$/.exec(said);
  if (id) {
    const rep = everyone.find((r) => r.id === Number(id[1]));
    return rep ? act(rep) : { refused: `No active rep has the id #${id[1]}.` };
  }
  const named = everyone.filter((r) => fold(r.name) === fold(said));
  if (named.length === 1) return act(named[0]!);
  if (named.length > 1)
    return {
      refused: `${named.length} active reps are called "${said}": ${named
        .map((r) => `${r.name} (\`as ${r.email ?? `#${r.id}`}\`)`)
        .join(', ')}. Say which.`,
    };
  const close = suggestNames(
    said,
    everyone.map((r) => r.name),
  );
  return {
    refused: `No active rep is called "${said}".${close.length > 0 ? ` Did you mean ${close.map((n) => `"${n}"`).join(' or ')}?` : ''} Act as someone by email, name or #id.`,
  };
}

/**
 * Why the console has nobody to act as by default, and what to do, given the active reps (by id): `as` with
 * the email of one of them when any has an email, else with a name (reps made from a CRM's owner names have
 * none), and how to make one of them an admin.
 */
function describeNobody(everyone: readonly RepRecord[]): string {
  if (everyone.length === 0)
    return 'There are no active reps in the database yet. Import a reps CSV (`npm run import -- reps reps.csv`) or seed the demo data (`npm run seed`).';
  const reps = everyone.length === 1 ? 'There is 1 active rep' : `There are ${everyone.length} active reps`;
  const withEmail = everyone.find((r) => r.email !== null && r.email !== '');
  const example = withEmail ?? everyone[0]!;
  const actAs = withEmail
    ? `Act as one of them with \`as <email>\` (or \`--as <email>\`), e.g. \`as ${withEmail.email}\`, or by name (\`as ${example.name}\`)`
    : `Act as one of them by name with \`as <name>\` (or \`--as "<name>"\`), e.g. \`as ${example.name}\` (none has an email)`;
  // A reps row without an email updates the rep of that name, so a name-only rep can be made an admin.
  const csv = withEmail
    ? `\`name,email,role\` then e.g. \`${csvCell(withEmail.name)},${csvCell(withEmail.email!)},admin\``
    : `\`name,role\` then e.g. \`${csvCell(example.name)},admin\``;
  return (
    `${reps}, but none is an admin or a manager, so the console has nobody to act as by default. ` +
    `${actAs}, or make someone an admin: import a reps CSV with a role column (${csv}) with \`npm run import -- reps admins.csv\`.`
  );
}

/** A value as a CSV cell: quoted when it holds a comma, a quote or a line break. */
const csvCell = (value: string) => (/[",\r\n]/.test(value) ? `"${value.replace(/"/g, '""')}"` : value);

function describeCaller(c: Caller): string {
  return `${c.name}${c.email ? ` <${c.email}>` : ''} (${c.role})`;
}
