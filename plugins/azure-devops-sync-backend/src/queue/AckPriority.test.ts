import { AckPriority, LoopClock } from './AckPriority';

/** A clock the test moves: sleeping advances it, utilization is whatever the test says. */
function fakeClock(
  loadOf: (now: number) => number,
  duringSleep: () => void = () => {},
) {
  let now = 0;
  const sleeps: number[] = [];
  const clock: LoopClock = {
    now: () => now,
    utilization: () => loadOf(now),
    async sleep(ms) {
      sleeps.push(ms);
      now += ms;
      duringSleep();
    },
  };
  return {
    clock,
    sleeps,
    advance: (ms: number) => {
      now += ms;
    },
  };
}

const options = {
  windowMs: 20,
  busyShare: 0.85,
  quietMs: 100,
  maxWaitMs: 1000,
};

describe('AckPriority', () => {
  it('lets a delivery apply at once when no webhook request is arriving, however busy the loop', async () => {
    const { clock, sleeps, advance } = fakeClock(() => 1);
    const priority = new AckPriority(options, clock);
    advance(50);
    await priority.turn();
    expect(sleeps).toEqual([]);

    priority.noteRequest();
    advance(150); // the last request is older than quietMs: the burst is over
    await priority.turn();
    expect(sleeps).toEqual([]);
  });

  it('lets a delivery apply at once while requests arrive but the loop has room', async () => {
    const { clock, sleeps, advance } = fakeClock(() => 0.5);
    const priority = new AckPriority(options, clock);
    advance(50);
    priority.noteRequest();
    await priority.turn();
    expect(sleeps).toEqual([]);
  });

  it('waits while requests arrive and the loop is full, until the loop has room again', async () => {
    // Requests keep arriving; the loop is full for 100 ms, then has room.
    const ref: { priority?: AckPriority } = {};
    const { clock, sleeps, advance } = fakeClock(
      now => (now < 130 ? 1 : 0.3),
      () => ref.priority!.noteRequest(),
    );
    const priority = new AckPriority(options, clock);
    ref.priority = priority;
    advance(30);
    priority.noteRequest();
    await priority.turn();
    expect(sleeps.length).toBeGreaterThan(0);
    expect(clock.now()).toBeGreaterThanOrEqual(130);
    expect(clock.now()).toBeLessThan(130 + options.windowMs + 1);
  });

  it('never holds a delivery back longer than maxWaitMs, so applying cannot starve', async () => {
    const ref: { priority?: AckPriority } = {};
    // Requests keep arriving and the loop stays full for as long as the delivery waits.
    const { clock, advance } = fakeClock(
      () => 1,
      () => ref.priority!.noteRequest(),
    );
    const priority = new AckPriority(options, clock);
    ref.priority = priority;
    advance(30);
    priority.noteRequest();
    await priority.turn();
    expect(clock.now() - 30).toBeGreaterThanOrEqual(options.maxWaitMs);
    expect(clock.now() - 30).toBeLessThanOrEqual(
      options.maxWaitMs + options.windowMs,
    );
  });
});
