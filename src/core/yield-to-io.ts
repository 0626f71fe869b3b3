/**
 * Work that may wait behind the ack. Slack wants every request acked within 3 s (the bench asks for
 * 50 ms), and the ack runs on the same event loop as the answers: a request that arrives while answers
 * are being parsed, formatted and posted waits until the loop gets back to its sockets. Answer work
 * therefore passes through `yieldToIo()` before its CPU-heavy steps (parsing a command, building a
 * message, posting it). Waiters resume on a later turn of the event loop, after the sockets were read
 * (new requests verified and acked), first come first served, for at most TURN_BUDGET_MS of
 * synchronous work per turn; the rest wait for the next turn. A backlog of answers thus delays an ack
 * by about one budget, while answers still get every turn's budget (a waiter is never dropped).
 *
 * A burst of new connections needs one event-loop turn per connection: libuv (since 1.45, Node 20)
 * accepts one connection per turn (libuv/libuv#3696), and a request's bytes are read on the turn after
 * its accept. A turn that also runs a budget of answer work delays the next accept by that budget, so the
 * 20th connection of a burst waited for 19 budgets plus every earlier answer's I/O continuations. So while
 * Slack requests keep arriving (the edge calls `noteRequestArrived()` for each), waiters are held: they
 * are released on the first turn that brought no new request, or after HOLD_MAX_TURNS turns or
 * HOLD_MAX_MS of holding (a steady flood of requests still lets answers run, a budget at a time).
 */
const waiting: (() => void)[] = [];
/**
 * Waiters that would start new work (`yieldToIo({ starting: true })`: a command's first step). They resume only
 * on a turn whose budget the steps of answers already under way left unused: past capacity the bot finishes
 * what it started (answers, busy replies) and new commands wait, so they, not the ones nearly done, run
 * into their deadline and are told "busy" (the caller races this wait with it: `beforeDeadline`).
 */
const waitingToStart: (() => void)[] = [];
let scheduled = false;
/** A Slack request arrived since the last release check (set by the edge, cleared on each check). */
let arrived = false;
/** Turns held in a row so far, and when the first of them was (performance.now()). */
let heldTurns = 0;
let holdingSince = 0;
/**
 * After a hold that reached its limit (a flood, not a burst): no new hold for as many turns as were held,
 * or until `noHoldUntil` (performance.now()), whichever ends first, so answers get at least half the
 * turns while requests never stop coming (without this, each budget was followed by another full hold).
 */
let cooldownTurns = 0;
let noHoldUntil = 0;

/** Synchronous answer work allowed per event-loop turn before the sockets are read again (ms). */
const TURN_BUDGET_MS = 4;
/**
 * Longest run of held turns while requests keep arriving: HOLD_MAX_TURNS turns (one per connection of a
 * burst, whatever the machine's speed) or HOLD_MAX_MS, whichever comes first; then a budget runs anyway.
 */
const HOLD_MAX_TURNS = 40;
const HOLD_MAX_MS = 250;
/** Floor of the cooldown's time limit (ms); the cooldown still ends early once its turns are used (`cooldownTurns`). */
const COOLDOWN_MIN_MS = 50;

/**
 * Tells the answer queue a Slack request has just arrived (its headers were read): more of a burst are
 * likely waiting to be accepted, one per turn, so answer work waits for a turn without new requests (see
 * above). Cheap; call it for every request on the Slack path before verifying it.
 */
export function noteRequestArrived(): void {
  arrived = true;
}

function releaseSome(): void {
  const now = performance.now();
  const cooling = cooldownTurns > 0 && now < noHoldUntil;
  if (cooldownTurns > 0) cooldownTurns -= 1;
  if (arrived && !cooling) {
    arrived = false;
    if (heldTurns === 0) holdingSince = now;
    if (heldTurns < HOLD_MAX_TURNS && now - holdingSince < HOLD_MAX_MS) {
      heldTurns += 1;
      setImmediate(releaseSome);
      return;
    }
    // The hold reached its limit while requests still arrive: a flood. Let answers have the next turns.
    cooldownTurns = heldTurns;
    noHoldUntil = now + Math.max(now - holdingSince, COOLDOWN_MIN_MS);
  }
  arrived = false;
  heldTurns = 0;
  const start = performance.now();
  const step = (): void => {
    if (waiting.length === 0 && waitingToStart.length === 0) {
      scheduled = false;
      return;
    }
    if (performance.now() - start >= TURN_BUDGET_MS) {
      setImmediate(releaseSome);
      return;
    }
    (waiting.shift() ?? waitingToStart.shift())!();
    // Queued behind the released waiter's continuation: runs once its synchronous step is done.
    queueMicrotask(step);
  };
  step();
}

/**
 * Resolves on a later event-loop turn, after pending I/O, within that turn's budget (see above), first come
 * first served. `starting`: the step starts new work (a command's first step); it resumes only after every
 * waiting step of work already under way (see `waitingToStart`).
 */
export function yieldToIo(options: { starting?: boolean } = {}): Promise<void> {
  return new Promise<void>((resolve) => {
    (options.starting ? waitingToStart : waiting).push(resolve);
    if (!scheduled) {
      scheduled = true;
      setImmediate(releaseSome);
    }
  });
}
