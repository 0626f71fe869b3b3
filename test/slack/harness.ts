import type { KnownBlock } from '@slack/types';
import { afterEach, beforeEach } from 'vitest';
import { createSlackApp, type SlackApp } from '../../src/app/slack-app.js';
import { fixedClock } from '../../src/clock.js';
import { loadConfig } from '../../src/config.js';
import type { Database } from '../../src/db/client.js';
import type { Deps } from '../../src/deps.js';
import { RECORD_TIMEOUT_MS } from '../../src/http/request-edge.js';
import { type Logger, silentLogger } from '../../src/logger.js';
import type { DbContext } from '../helpers/db.js';
import { freePort } from '../helpers/free-port.js';
import type { SlackApiStub } from '../helpers/slack-api.js';
import { interactionBody, postSigned, slashCommandBody } from '../helpers/slack-requests.js';
import { NOW, seedFixture, USERS } from './fixtures.js';

export const SECRET = 'test-signing-secret';

export interface RunningApp {
  url: string;
  slackApp: SlackApp;
  deps: Deps;
  stop(): Promise<void>;
}

/**
 * Starts the real Bolt app in HTTP mode on a free port, its Web API pointed at the stand-in; it logs to
 * `appOptions.logger` (default: nowhere).
 */
export async function startApp(
  database: Database,
  stub: SlackApiStub,
  env: Record<string, string> = {},
  // Tests that assert a replay's 401 need the shared record's verdict before the ack, even on a loaded
  // machine: by default the ack waits for it as long as the record may take (RECORD_TIMEOUT_MS).
  appOptions: { replayWaitMs?: number; drainMs?: number; logger?: Logger } = {
    replayWaitMs: RECORD_TIMEOUT_MS,
  },
): Promise<RunningApp> {
  const { logger = silentLogger, ...slackOptions } = appOptions;
  const port = await freePort();
  const config = loadConfig({
    SLACK_BOT_TOKEN: 'xoxb-test-token',
    SLACK_SIGNING_SECRET: SECRET,
    SLACK_API_URL: stub.apiUrl,
    PORT: String(port),
    ...env,
  });
  const deps: Deps = {
    config,
    database,
    db: database.db,
    logger,
    clock: fixedClock(NOW),
    slack: null,
  };
  const slackApp = createSlackApp(deps, { mode: 'http', port, ...slackOptions });
  await slackApp.start();
  return { url: `http://127.0.0.1:${port}`, slackApp, deps, stop: () => slackApp.stop() };
}

/** The app of the current test, from `useRunningApp`. */
export interface CurrentApp extends RunningApp {
  /** Stops the app and starts it again on the same database and stand-in, with these env settings. */
  restart(env: Record<string, string>): Promise<void>;
}

/**
 * Before every test of the enclosing describe block: seeds the Slack fixture (test/slack/fixtures.ts), resets
 * the stand-in with every fixture user known to it, and starts the app (`startApp`, default settings); stops
 * it after the test. The returned object reads through to the current test's app (an error outside a test).
 */
export function useRunningApp(ctx: DbContext, stub: SlackApiStub): CurrentApp {
  let current: RunningApp | undefined;
  beforeEach(async () => {
    await seedFixture(ctx.db());
    stub.reset();
    for (const u of Object.values(USERS)) stub.users.set(u.id, { id: u.id, email: u.email });
    current = await startApp(ctx.database(), stub);
  });
  afterEach(async () => {
    await current?.stop();
    current = undefined;
  });
  const app = () => {
    if (!current) throw new Error('the app is used outside a test (it starts before each test)');
    return current;
  };
  return {
    get url() {
      return app().url;
    },
    get slackApp() {
      return app().slackApp;
    },
    get deps() {
      return app().deps;
    },
    stop: () => app().stop(),
    restart: async (env) => {
      await app().stop();
      current = await startApp(ctx.database(), stub, env);
    },
  };
}

let responseCounter = 0;

export interface CommandResult {
  status: number;
  /** The JSON posted to the response_url. */
  reply: { response_type?: string; replace_original?: boolean; text: string; blocks: KnownBlock[] };
}

/** Sends `/metrics <text>` as `userId`, signed, and waits for the answer at a fresh response_url. */
export async function sendCommand(
  app: RunningApp,
  stub: SlackApiStub,
  userId: string,
  text: string,
): Promise<CommandResult> {
  const id = `cmd${++responseCounter}`;
  const body = slashCommandBody({ text, userId, responseUrl: `${stub.responseBase}${id}` });
  const res = await postSigned(`${app.url}/slack/events`, body, { secret: SECRET });
  const reply = await waitForResponse(stub, id);
  return { status: res.status, reply: reply as CommandResult['reply'] };
}

/** Clicks a button of a reply (by its action id prefix and label) and waits for the answer. */
export async function clickButton(
  app: RunningApp,
  stub: SlackApiStub,
  userId: string,
  blocks: KnownBlock[],
  label: string,
): Promise<CommandResult> {
  const { id, status } = await pressButton(app, stub, userId, blocks, label);
  const reply = await waitForResponse(stub, id);
  return { status, reply: reply as CommandResult['reply'] };
}

/** Clicks a button like clickButton without waiting for the answer: its response_url id and the ack's status. */
export async function pressButton(
  app: RunningApp,
  stub: SlackApiStub,
  userId: string,
  blocks: KnownBlock[],
  label: string,
): Promise<{ id: string; status: number }> {
  const button = findButton(blocks, label);
  const id = `click${++responseCounter}`;
  const payload = {
    type: 'block_actions',
    user: { id: userId, username: userId.toLowerCase(), team_id: 'T0001' },
    api_app_id: 'A0TALLY',
    token: 'deprecated-verification-token',
    container: {
      type: 'message',
      message_ts: '1700000000.000100',
      channel_id: 'C0SALES',
      is_ephemeral: true,
    },
    trigger_id: `${Date.now()}.trigger`,
    team: { id: 'T0001', domain: 'testco' },
    channel: { id: 'C0SALES', name: 'sales' },
    response_url: `${stub.responseBase}${id}`,
    actions: [
      {
        type: 'button',
        action_id: button.action_id,
        block_id: 'metrics_view',
        text: button.text,
        value: button.value,
        action_ts: '1700000001.000200',
      },
    ],
  };
  const res = await postSigned(`${app.url}/slack/events`, interactionBody(payload), { secret: SECRET });
  return { id, status: res.status };
}

export function findButton(blocks: KnownBlock[], label: string) {
  for (const b of blocks) {
    if (b.type !== 'actions') continue;
    for (const e of b.elements) {
      if (e.type === 'button' && e.text.text === label) return e;
    }
  }
  throw new Error(`no button "${label}"`);
}

async function waitForResponse(stub: SlackApiStub, id: string): Promise<Record<string, unknown>> {
  const deadline = Date.now() + 15_000;
  while (Date.now() < deadline) {
    const call = stub.callsTo('response_url').find((c) => c.responseId === id);
    if (call) return call.args;
    await new Promise((r) => setTimeout(r, 10));
  }
  throw new Error(`no response_url post for ${id}`);
}

/** All text of a message (blocks and fallback), for assertions. */
export function allText(reply: { text: string; blocks: KnownBlock[] }): string {
  return [reply.text, JSON.stringify(reply.blocks)].join('\n');
}
