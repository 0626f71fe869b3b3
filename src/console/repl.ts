import { createInterface } from 'node:readline/promises';
import { buildCaller, resolveCallerByEmail } from '../access/caller.js';
import { countActiveReps, findDefaultConsoleRep } from '../access/queries.js';
import type { Caller } from '../core/types.js';
import type { Deps } from '../deps.js';
import { describeError } from '../errors.js';
import { buildNoticeMessage, COULD_NOT_LOAD } from '../slack/blocks/notice.js';
import type { Reply } from '../slack/reply.js';
import { type ConsoleChart, defaultChartPath, findChartButton, writeChartPng } from './chart.js';
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
  press(deps: Deps, caller: Caller, button: { actionId: string; value: string }, now: Date): Promise<Reply>;
  /** The chart behind a "Chart" button of the last answer (permission-checked like Slack's). */
  chart(
    deps: Deps,
    caller: Caller,
    button: { actionId: string; value: string },
    now: Date,
  ): Promise<ConsoleChart>;
}

export interface ConsoleOptions {
  /** Email of the rep to act as; default: the first admin, else the first manager. */
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
}

const HELP = [
  'Type a command as in Slack, e.g. `/metrics winrate org` (the `/metrics` is optional).',
  '  as <email>   act as another rep (permissions follow them)',
  '  whoami       who you are now',
  '  <number>     press a button of the last answer',
  '  chart [file]  draw the last answer as a PNG (default tally-<kind>.png in the temp dir) and print its path',
  '  quit         leave',
].join('\n');

/** Starts the console; with `command` set it answers once and returns. Returns the process exit code. */
export async function runRepl(deps: Deps, surface: ConsoleSurface, options: ConsoleOptions): Promise<number> {
  const write = options.write ?? ((t: string) => process.stdout.write(`${t}\n`));
  const session: ConsoleSession = { caller: null, nobody: '', buttons: [] };
  try {
    session.caller = options.as
      ? await resolveCallerByEmail(deps.db, options.as, deps.clock())
      : await defaultCaller(deps);
    if (!session.caller && !options.as) session.nobody = describeNobody(await countActiveReps(deps.db));
  } catch (err) {
    write(`Tally could not read its database: ${describeError(err).message}`);
    return 1;
  }
  if (options.as && !session.caller) {
    write(`No active rep has the email ${options.as}. Use the email of someone in the reps table.`);
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
  const asMatch = /^as\s+(\S+)$/i.exec(line);
  if (asMatch) {
    const caller = await resolveCallerByEmail(deps.db, asMatch[1]!, now).catch(() => null);
    if (!caller) {
      write(`No active rep has the email ${asMatch[1]}.`);
      return false;
    }
    session.caller = caller;
    write(`You are now ${describeCaller(caller)}.`);
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
  const reply = await answerOrApologise(deps, () => {
    if (pressed) return surface.press(deps, caller, pressed, now);
    return surface.ask(deps, caller, line.replace(/^\/metrics\b\s*/i, ''), now);
  });
  const rendered = renderMessage(reply.message, reply.visibility);
  if (rendered.buttons.length > 0) session.buttons = rendered.buttons;
  write(rendered.text);
  return true;
}

/** `chart [file]`: the last answer's chart as a PNG; prints the absolute path and the alt text. */
async function drawChart(
  deps: Deps,
  surface: ConsoleSurface,
  session: ConsoleSession,
  caller: Caller,
  path: string | undefined,
  write: (text: string) => void,
): Promise<boolean> {
  const button = findChartButton(session.buttons);
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

/** Why the console has nobody to act as by default, and what to do, given the number of active reps. */
function describeNobody(activeReps: number): string {
  if (activeReps === 0)
    return 'There are no active reps in the database yet. Import a reps CSV (`npm run import -- reps reps.csv`) or seed the demo data (`npm run seed`).';
  const reps = activeReps === 1 ? 'There is 1 active rep' : `There are ${activeReps} active reps`;
  return (
    `${reps}, but none is an admin or a manager, so the console has nobody to act as by default. ` +
    'Act as one of them with `as <email>` (or `--as <email>`), or make someone an admin: import a reps CSV with a role column ' +
    '(`name,email,role` then e.g. `Ana López,ana@example.com,admin`) with `npm run import -- reps admins.csv`.'
  );
}

function describeCaller(c: Caller): string {
  return `${c.name}${c.email ? ` <${c.email}>` : ''} (${c.role})`;
}
