/** A min-heap of timed callbacks: the simulator's virtual clock. Ties run in scheduling order. */
export class EventQueue {
  private heap: { time: number; seq: number; run: () => void }[] = [];
  private seq = 0;
  now = 0;

  schedule(delayMs: number, run: () => void): void {
    const item = { time: this.now + Math.max(0, delayMs), seq: this.seq++, run };
    const h = this.heap;
    h.push(item);
    let i = h.length - 1;
    while (i > 0) {
      const p = (i - 1) >> 1;
      if (!before(h[i] as typeof item, h[p] as typeof item)) break;
      [h[i], h[p]] = [h[p] as typeof item, h[i] as typeof item];
      i = p;
    }
  }

  /** Run the next event; false when none is due at or before `until`. */
  runNext(until: number): boolean {
    const h = this.heap;
    const top = h[0];
    if (!top || top.time > until) return false;
    const last = h.pop() as typeof top;
    if (h.length > 0) {
      h[0] = last;
      let i = 0;
      for (;;) {
        const l = 2 * i + 1;
        const r = l + 1;
        let m = i;
        if (l < h.length && before(h[l] as typeof top, h[m] as typeof top)) m = l;
        if (r < h.length && before(h[r] as typeof top, h[m] as typeof top)) m = r;
        if (m === i) break;
        [h[i], h[m]] = [h[m] as typeof top, h[i] as typeof top];
        i = m;
      }
    }
    this.now = top.time;
    top.run();
    return true;
  }
}

function before(a: { time: number; seq: number }, b: { time: number; seq: number }): boolean {
  return a.time < b.time || (a.time === b.time && a.seq < b.seq);
}
