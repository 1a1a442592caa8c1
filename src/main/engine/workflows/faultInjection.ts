// Crash injection for the durability tests: with CHORUS_TEST_KILL_AFTER_EFFECT=N
// the host SIGKILLs itself right after the Nth journaled effect commits, so a
// test can prove a run carries on correctly from every point. Unset, this
// only counts.
let committed = 0;
const killAfter = Number(process.env.CHORUS_TEST_KILL_AFTER_EFFECT ?? '0');

/**
 * Called after every durable workflow effect commits: a journal row (model
 * call, tool call, clock read, id, side effect), a step's result, a run's
 * start or end, an approval opened or decided. Bookkeeping such as an attempt
 * starting is not an effect.
 */
export function effectCommitted(what: string): void {
  committed += 1;
  if (killAfter > 0 && committed === killAfter) {
    process.stderr.write(`[chorus] test crash: killed after effect ${committed} (${what})\n`);
    process.kill(process.pid, 'SIGKILL');
  }
}

export function effectsCommitted(): number {
  return committed;
}
