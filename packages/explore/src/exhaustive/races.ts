/**
 * Happens-before and races over one logged execution (source-DPOR,
 * Abdulla, Aronis, Jonsson & Sagonas, POPL 2014).
 *
 * Objects: every shared cell, plus one object per cpu. A step writes its own
 * cpu object, reads the cpu object of each IPI target, and reads/writes its
 * cells (see stepLog.ts). Happens-before is the transitive closure of
 * "earlier and dependent", computed with one vector clock per step over the
 * cpus: all steps of one cpu are ordered (they all write its object), so the
 * clock component of cpu c counts c's steps.
 *
 * A race e_i ⋖ e_j: i < j, dependent, and no e_k (i < k < j) with
 * e_i → e_k → e_j. The candidates of e_j are its direct dependent
 * predecessors per object (the last writer, and the readers since it when e_j
 * writes); the races are the candidates that happen before no other
 * candidate.
 *
 * Disabled choices. On this machine a choice can be disabled by a step it
 * depends on (a write that makes a spinner's test false, a critical section
 * that holds off interrupts and IPIs), and a chain of reversals can break on
 * a state where the racing step is disabled. `lookback` finds, as Flanagan &
 * Godefroid's DPOR does for transitions that are not co-enabled, the latest
 * earlier step e_y dependent with e_j before which e_j can start, and which
 * does not happen before the previous step of e_j's thread (or choice); the
 * engine then treats (y, j) as a race too.
 *
 * The initials of v = notdep(e_i).e_j — the events after e_i that do not
 * happen after it, then e_j — are the events of v with no happens-before
 * predecessor in v: the choices that can start a reversal of the race.
 */
import type { StepLog } from "./stepLog.js";

export class RaceAnalysis {
  private nc = 1;
  /** vc[k * nc + c]: how many steps of cpu c happen before or at step k. */
  private vc = new Int32Array(256);
  /** loc[k]: step k is the loc[k]-th step of its cpu (1-based). */
  private loc = new Int32Array(256);
  private lastW = new Int32Array(64);
  private readHead = new Int32Array(64);
  private rmwHead = new Int32Array(64);
  private nodeEv = new Int32Array(256);
  private nodeNext = new Int32Array(256);
  private nodes = 0;
  private cand = new Int32Array(64);
  private mark = new Int32Array(256);
  private first = new Int32Array(32);
  /** The initials `initials` found. */
  initial = new Int32Array(32);
  /** prevSame[j]: the previous step of j's thread (or of its choice, for non-steps), or −1. */
  private prevSame = new Int32Array(256);
  /** While analyzing: the last step of each thread, and of each other choice, so far (−1: none). */
  private lastStep = new Int32Array(16);
  private readonly lastOther = new Map<number, number>();
  /** Steps of each cpu so far. */
  private counts = new Int32Array(8);
  private log!: StepLog;

  /**
   * Compute happens-before for the whole log and report each race e_i ⋖ e_j
   * with j ≥ from.
   */
  analyze(log: StepLog, ncpus: number, from: number, onRace: (i: number, j: number) => void): void {
    this.log = log;
    const nc = (this.nc = ncpus);
    const n = log.n;
    const nobj = log.maxCell + 1 + nc;
    if (this.vc.length < n * nc) this.vc = new Int32Array(Math.max(n * nc, this.vc.length * 2));
    if (this.loc.length < n) {
      this.loc = new Int32Array(Math.max(n, this.loc.length * 2));
      this.mark = new Int32Array(this.loc.length);
    }
    if (this.lastW.length < nobj) {
      this.lastW = new Int32Array(Math.max(nobj, this.lastW.length * 2));
      this.readHead = new Int32Array(this.lastW.length);
      this.rmwHead = new Int32Array(this.lastW.length);
    }
    this.lastW.fill(-1, 0, nobj);
    this.readHead.fill(-1, 0, nobj);
    this.rmwHead.fill(-1, 0, nobj);
    this.mark.fill(-1, 0, n);
    this.nodes = 0;
    const cpuObj = log.maxCell + 1;
    if (this.counts.length < nc) this.counts = new Int32Array(nc);
    const counts = this.counts;
    counts.fill(0, 0, nc);
    this.lastStep.fill(-1);
    if (this.lastOther.size !== 0) this.lastOther.clear();
    if (this.prevSame.length < n) this.prevSame = new Int32Array(Math.max(n, this.prevSame.length * 2));
    const vc = this.vc;
    const pool = log.pool;
    for (let j = 0; j < n; j++) {
      let nc2 = 0;
      const cpu = log.cpu[j]!;
      if (log.universal[j] === 1) {
        for (let c = 0; c < nc; c++) nc2 = this.addCand(this.lastW[cpuObj + c]!, j, nc2);
      } else {
        for (let p = log.rs[j]!, e = log.ws[j]!; p < e; p++) nc2 = this.addReadCands(pool[p]!, j, nc2);
        for (let p = log.ws[j]!, e = log.we[j]!; p < e; p++) {
          const o = pool[p]!;
          nc2 = o === log.rmwCell[j] && log.rmw[j] !== 0 ? this.addRmwCands(o, j, nc2) : this.addWriteCands(o, j, nc2);
        }
        nc2 = this.addWriteCands(cpuObj + cpu, j, nc2);
        for (let m = log.sends[j]!, c = 0; m !== 0; m >>>= 1, c++) {
          if ((m & 1) !== 0) nc2 = this.addCand(this.lastW[cpuObj + c]!, j, nc2);
        }
      }
      // The clock: join of the candidates' clocks, then tick this cpu.
      const base = j * nc;
      vc.fill(0, base, base + nc);
      for (let q = 0; q < nc2; q++) {
        const cb = this.cand[q]! * nc;
        for (let c = 0; c < nc; c++) if (vc[cb + c]! > vc[base + c]!) vc[base + c] = vc[cb + c]!;
      }
      this.loc[j] = ++counts[cpu]!;
      vc[base + cpu] = this.loc[j]!;
      // Steps are keyed by thread, other choices by identity.
      const t = log.thread[j]!;
      if (t >= 0) {
        if (t >= this.lastStep.length) this.growLastStep(t);
        this.prevSame[j] = this.lastStep[t]!;
        this.lastStep[t] = j;
      } else {
        this.prevSame[j] = this.lastOther.get(log.choice[j]!) ?? -1;
        this.lastOther.set(log.choice[j]!, j);
      }
      if (j >= from) {
        for (let q = 0; q < nc2; q++) {
          const x = this.cand[q]!;
          let immediate = true;
          for (let r = 0; r < nc2 && immediate; r++) {
            const z = this.cand[r]!;
            if (z !== x && z > x && this.hb(x, z)) immediate = false;
          }
          if (immediate) onRace(x, j);
        }
      }
      // Virtual steps (pending at the end) never precede anything.
      if (log.universal[j] === 1 || log.virtual[j] === 1) continue;
      // Update the objects: reads join the reader lists, writes replace them.
      for (let p = log.rs[j]!, e = log.ws[j]!; p < e; p++) this.addReader(pool[p]!, j);
      for (let m = log.sends[j]!, c = 0; m !== 0; m >>>= 1, c++) if ((m & 1) !== 0) this.addReader(cpuObj + c, j);
      for (let p = log.ws[j]!, e = log.we[j]!; p < e; p++) {
        const o = pool[p]!;
        if (o === log.rmwCell[j] && log.rmw[j] !== 0) this.rmwHead[o] = this.link(j, this.rmwHead[o]!);
        else this.setWriter(o, j);
      }
      this.setWriter(cpuObj + cpu, j);
    }
  }

  /**
   * The latest step y < x dependent with step j, before which j can start
   * (`canStart`), and which does not happen before the previous step of j's
   * thread (or choice); −1 if none.
   */
  lookback(x: number, j: number, canStart: (y: number) => boolean): number {
    const prev = this.prevSame[j]!;
    for (let y = x - 1; y >= 0; y--) {
      if (prev >= 0 && this.hb(y, prev)) return -1;
      if (this.log.dependent(y, j) && canStart(y)) return y;
    }
    return -1;
  }

  /** Does step x happen before step y? */
  hb(x: number, y: number): boolean {
    return x < y && this.vc[y * this.nc + this.log.cpu[x]!]! >= this.loc[x]!;
  }

  /**
   * The initials of notdep(e_i).e_j (step indices), in trace order: their
   * number n, the steps in `initial[0 .. n)` (valid until the next call; no
   * callback is made per race).
   */
  initials(i: number, j: number): number {
    const nc = this.nc;
    const log = this.log;
    const first = this.first;
    first.fill(-1, 0, nc);
    if (this.initial.length < j - i) this.initial = new Int32Array(Math.max(j - i, this.initial.length * 2));
    let n = 0;
    for (let k = i + 1; k <= j; k++) {
      if (k < j && this.hb(i, k)) continue;
      const base = k * nc;
      let initial = true;
      for (let c = 0; c < nc && initial; c++) {
        const f = first[c]!;
        if (f >= 0 && this.vc[base + c]! >= this.loc[f]!) initial = false;
      }
      if (initial) this.initial[n++] = k;
      const cpu = log.cpu[k]!;
      if (first[cpu]! < 0) first[cpu] = k;
    }
    return n;
  }

  private growLastStep(t: number): void {
    const a = new Int32Array(Math.max(t + 1, this.lastStep.length * 2)).fill(-1);
    a.set(this.lastStep);
    this.lastStep = a;
  }

  private addCand(x: number, j: number, n: number): number {
    if (x < 0 || this.mark[x] === j) return n;
    this.mark[x] = j;
    if (n === this.cand.length) {
      const bigger = new Int32Array(n * 2);
      bigger.set(this.cand);
      this.cand = bigger;
    }
    this.cand[n] = x;
    return n + 1;
  }

  /** A read depends on the last write and on every commutative RMW since. */
  private addReadCands(o: number, j: number, n: number): number {
    n = this.addCand(this.lastW[o]!, j, n);
    for (let r = this.rmwHead[o]!; r >= 0; r = this.nodeNext[r]!) n = this.addCand(this.nodeEv[r]!, j, n);
    return n;
  }

  private addWriteCands(o: number, j: number, n: number): number {
    n = this.addReadCands(o, j, n);
    for (let r = this.readHead[o]!; r >= 0; r = this.nodeNext[r]!) n = this.addCand(this.nodeEv[r]!, j, n);
    return n;
  }

  /** A commutative RMW: the last write, the readers, and the RMWs of another kind. */
  private addRmwCands(o: number, j: number, n: number): number {
    n = this.addCand(this.lastW[o]!, j, n);
    for (let r = this.readHead[o]!; r >= 0; r = this.nodeNext[r]!) n = this.addCand(this.nodeEv[r]!, j, n);
    const kind = this.log.rmw[j]!;
    for (let r = this.rmwHead[o]!; r >= 0; r = this.nodeNext[r]!) {
      const x = this.nodeEv[r]!;
      if (this.log.rmw[x] !== kind) n = this.addCand(x, j, n);
    }
    return n;
  }

  private addReader(o: number, j: number): void {
    this.readHead[o] = this.link(j, this.readHead[o]!);
  }

  /** A list node holding step j in front of `next`; returns its index. */
  private link(j: number, next: number): number {
    if (this.nodes === this.nodeEv.length) {
      const a = new Int32Array(this.nodes * 2);
      a.set(this.nodeEv);
      this.nodeEv = a;
      const b = new Int32Array(this.nodes * 2);
      b.set(this.nodeNext);
      this.nodeNext = b;
    }
    this.nodeEv[this.nodes] = j;
    this.nodeNext[this.nodes] = next;
    return this.nodes++;
  }

  private setWriter(o: number, j: number): void {
    this.lastW[o] = j;
    this.readHead[o] = -1;
    this.rmwHead[o] = -1;
  }
}
