/**
 * The memory model: step scopes, cell accesses and what they cost, the
 * footprints explorers record, check mode's guards, and the watchers a write
 * wakes.
 *
 * - A scope is one atomic step in progress on a cpu: who steps, under which
 *   declared footprint, in interrupt context or not, quiet (evaluating
 *   enabledness: nothing recorded, nothing charged) or not. Scopes nest (a
 *   handler sent to oneself runs inside its sender's step).
 * - An access to a shared cell costs a local access, plus a cache-line
 *   transfer when another cpu wrote the line or shares it, plus the atomic
 *   surcharge of a locked instruction. Clocks and line bookkeeping never
 *   influence behaviour.
 * - With footprints recorded, each step logs the shared cells it read and
 *   wrote; a failed compare-and-swap is a read.
 * - In check mode, a cell touched outside its step's declared footprint, an
 *   object read from a cell and used after its step or written through a
 *   read access, and a cpu-local cell touched from another cpu throw.
 * - A write wakes the cell's watchers at once (for `tx.write`/`tx.mutate`,
 *   when the scope closes): an idle cpu waiting on it offers a dispatch; a
 *   spinner re-tests its condition (it notices at the end of its backoff
 *   window).
 *
 * Calling context: accesses happen inside a scope, on the scope's cpu.
 */
import type { Cell, Footprint } from "../cell.js";
import { backoffRetest } from "../cost.js";
import { Cpu } from "../cpu.js";
import { FootprintError } from "../errors.js";
import type { SpinOp } from "../ops.js";
import type { Thread } from "../thread.js";
import type { Tx } from "../tx.js";
import type { Core, Scope } from "./core.js";
import { emit } from "./events.js";

// ------------------------------------------------------------------ scopes

/**
 * Run `fn` as a step scope on `cpu`; the watchers of cells it changed in
 * place run when it closes. Scopes nest, so the record keeps one per depth
 * and fills it again (every atomic step and spin test opens one): a scope
 * is read only while it is open, and once closed nothing holds it.
 */
export function withScope<R>(
  core: Core,
  cpu: Cpu,
  thread: Thread | null,
  stepping: Thread | null,
  fp: Footprint | null,
  intr: boolean,
  quiet: boolean,
  fn: (tx: Tx) => R,
  readLog?: Cell<unknown>[],
  onClose?: (s: Scope) => void,
): R {
  const parent = core.scope;
  const depth = parent === null ? 0 : parent.depth + 1;
  const s = core.scopes[depth] ?? newScope(core, depth);
  s.id = ++core.nextScopeId;
  s.cpu = cpu;
  s.thread = thread;
  s.stepping = stepping;
  s.fp = fp;
  s.intr = intr;
  s.quiet = quiet;
  s.parent = parent;
  s.block = null;
  s.dirty = null;
  const savedLog = core.readLog;
  if (readLog) core.readLog = readLog;
  core.scope = s;
  let r: R;
  try {
    r = fn(core.tx);
  } finally {
    core.scope = parent;
    core.readLog = savedLog;
  }
  onClose?.(s);
  // Taken off the scope first: a watcher woken here may open a scope at this depth. (Set by `fn`: the
  // compiler still sees the null written above.)
  const dirty = s.dirty as Cell<unknown>[] | null;
  s.dirty = null;
  s.block = null;
  if (dirty !== null) for (const c of dirty) notify(core, c);
  return r;
}

/** The record's scope at `depth`, the first time a scope opens that deep. */
function newScope(core: Core, depth: number): Scope {
  const s: Scope = {
    depth,
    id: 0,
    cpu: core.cpus[0]!,
    thread: null,
    stepping: null,
    fp: null,
    intr: false,
    quiet: false,
    parent: null,
    block: null,
    dirty: null,
  };
  core.scopes.push(s);
  return s;
}

/**
 * The innermost scope, for `tx.cpu`, `tx.thread`, … (a Tx used outside its
 * step throws). The scope itself, not a record of what it says: closures
 * read these at nearly every step.
 */
export function openScope(core: Core): Scope {
  const s = core.scope;
  if (s === null) throw new FootprintError("tx used outside its step");
  return s;
}

// ---------------------------------------------------------------- accesses

/**
 * Account for an access to `c` from `cpu` and return its value. This runs
 * at nearly every step: what most runs never need (local cells, logs,
 * jitter) is out of line, so V8 can inline the rest into the step.
 */
export function access(core: Core, cpu: Cpu, c: Cell<unknown>, write: boolean, extra: number): unknown {
  // Restoring states: the cell's first change since the last snapshot saves it (states/undo.ts).
  if (c.undo !== null && (c.undoGen !== c.undo.gen || (write && c.undoWrite !== c.undo.gen))) c.undo.save(c, write);
  if (c.cpu >= 0) return accessLocal(core, cpu, c, extra);
  const s = core.scope;
  if (s !== null && s.quiet) return c.v;
  if (core.readLog !== null || core.recording) logAccess(core, c, write);
  const cost = core.cost;
  const bit = 1 << cpu.index;
  let cycles = cost.local + extra;
  if (write) {
    if ((c.lastWriter !== cpu.index && c.lastWriter !== -1) || (c.sharers & ~bit) !== 0) {
      cycles += cost.transfer;
      cpu.counters.transfers++;
    }
    c.lastWriter = cpu.index;
    c.sharers = bit;
  } else {
    if ((c.sharers & bit) === 0 && c.lastWriter !== -1 && c.lastWriter !== cpu.index) {
      cycles += cost.transfer;
      cpu.counters.transfers++;
    }
    c.sharers |= bit;
  }
  if (extra >= cost.atomic && extra > 0) cpu.counters.atomics++;
  // Not quiet (checked above): straight to the clock.
  tick(core, cpu, cycles);
  return c.v;
}

function accessLocal(core: Core, cpu: Cpu, c: Cell<unknown>, extra: number): unknown {
  if (core.checkMode && c.cpu !== cpu.index) {
    throw new FootprintError(`${c.name} is local to cpu${c.cpu} but was touched on cpu${cpu.index}`);
  }
  charge(core, cpu, core.cost.local + extra);
  return c.v;
}

/** A dispatch attempt's read log, and the step's footprint when recording. */
function logAccess(core: Core, c: Cell<unknown>, write: boolean): void {
  if (core.readLog !== null) core.readLog.push(c);
  if (core.recording) (write ? core.fpWrites : core.fpReads).push(c.id);
}

/**
 * A compare-and-swap that failed changed nothing: for dependence it is a
 * read of the cell (it still paid for taking the line exclusively).
 */
export function failedRmw(core: Core, c: Cell<unknown>): void {
  if (!core.recording || c.cpu >= 0 || (core.scope !== null && core.scope.quiet)) return;
  const i = core.fpWrites.lastIndexOf(c.id);
  if (i < 0) return;
  core.fpWrites.splice(i, 1);
  core.fpReads.push(c.id);
}

/** Write a value (after `access`), then wake what watches the cell. */
export function store(core: Core, cpu: Cpu, c: Cell<unknown>, v: unknown): void {
  c.v = v;
  c.key = null;
  c.writeTime = cpu.clock;
  if (c.watchers !== null) notify(core, c);
}

/** tx.read / tx.mutate ("m": the object, to change in place) / tx.write's access. */
export function txAccess(core: Core, c: Cell<unknown>, mode: "r" | "w" | "m"): unknown {
  const s = core.scope;
  if (s === null) throw new FootprintError(`${c.name} accessed outside a step`);
  const write = mode !== "r";
  if (core.checkMode && c.cpu < 0 && !allowed(s, c, write)) {
    throw new FootprintError(`${c.name} ${write ? "written" : "read"} outside the declared footprint of the step`);
  }
  const v = access(core, s.cpu, c, write, 0);
  if (mode === "m") {
    c.key = null;
    (s.dirty ??= []).push(c);
    c.writeTime = s.cpu.clock;
  }
  if (core.checkMode && typeof v === "object" && v !== null && isPlain(v)) {
    return guardObject(core, v, c, mode === "r" ? "r" : "w", s.id);
  }
  return v;
}

/** tx.write: replace the value; its watchers run when the scope closes. */
export function txWrite(core: Core, c: Cell<unknown>, v: unknown): void {
  txAccess(core, c, "w");
  c.v = core.checkMode ? unguard(v) : v;
  c.key = null;
  const s = core.scope!;
  c.writeTime = s.cpu.clock;
  if (c.watchers !== null) (s.dirty ??= []).push(c);
}

function allowed(s: Scope | null, c: Cell<unknown>, write: boolean): boolean {
  for (; s !== null; s = s.parent) {
    const fp = s.fp;
    if (fp === null) return true;
    if (fp.writes?.includes(c)) return true;
    if (!write && fp.reads?.includes(c)) return true;
  }
  return false;
}

// -------------------------------------------------------------------- cost

/** Charge `cycles` to a cpu's clock (with jitter, if configured), unless the scope is quiet. */
export function charge(core: Core, cpu: Cpu, cycles: number): void {
  if (core.scope?.quiet) return;
  tick(core, cpu, cycles);
}

/** `charge` outside a quiet scope. */
function tick(core: Core, cpu: Cpu, cycles: number): void {
  cpu.clock += core.jitter === null ? cycles : jittered(core, cycles);
}

function jittered(core: Core, cycles: number): number {
  const j = core.jitter!;
  return Math.max(0, Math.round(cycles * (1 + j.amount * (2 * j.prng.nextFloat() - 1))));
}

// ---------------------------------------------------------------- watchers

/** A write woke the cell's watchers: idle cpus waiting on it, spinners polling it. */
export function notify(core: Core, c: Cell<unknown>): void {
  const ws = c.watchers;
  if (ws === null) return;
  for (const w of ws.slice()) {
    // The watcher's cpu may change (its change stamp, cpu.ts `ver`).
    if (w instanceof Cpu) {
      w.ver++;
      dispatchWatchFired(core, w, c);
    } else {
      const o = w.op;
      const cpu = core.cpus[w.cpu]!;
      cpu.ver++;
      if (o !== null && o.op === "spin") reevaluateSpin(core, cpu, w, o, c.writeTime);
    }
  }
}

/** A cell the idle cpu watches (`dispatchCells`) changed: its dispatch is enabled. */
function dispatchWatchFired(core: Core, cpu: Cpu, cell: Cell<unknown>): void {
  if (cpu.dispatchWaiting && !cpu.dispatchReady) {
    cpu.dispatchReady = true;
    cpu.moreChoices = true;
    cpu.dispatchReadyAt = cell.writeTime;
    // IPIs sent from now on arrive after the idle loop has seen the change.
    cpu.dispatchReadyMsg = core.nextMsgId;
  }
}

/** The spinner's test, in a quiet scope. */
function spinTest(core: Core, cpu: Cpu, t: Thread, o: SpinOp): boolean {
  return withScope(core, cpu, t, t, spinFootprint(core, o), false, true, o.test);
}

/**
 * A spin test's footprint: its watched cells, read. Made only in check
 * mode, the one reader of footprints (`allowed`): a spinner is tested
 * whenever a watched cell is written.
 */
export function spinFootprint(core: Core, o: SpinOp): Footprint | null {
  return core.checkMode ? { reads: o.watch } : null;
}

/** The footprint of a handler that declared none: it touches no shared cell (one object for all). */
export const NO_FOOTPRINT: Footprint = Object.freeze({ reads: Object.freeze([]), writes: Object.freeze([]) });

/**
 * A spinner's step is enabled iff its test holds (or, for `wakeOnIpi`, an
 * IPI is queued on its cpu). Woken at `at`, it re-tests at the end of its
 * current backoff window.
 */
export function reevaluateSpin(core: Core, cpu: Cpu, t: Thread, o: SpinOp, at: number): void {
  let ok = o.wakeOnIpi && cpu.inbox !== 0;
  if (!ok) ok = spinTest(core, cpu, t, o);
  if (!ok) {
    if (!t.spinning) {
      t.spinning = true;
      if (t.spinSince === 0) {
        t.spinSince = Math.max(cpu.clock, 1);
        if (core.eventsOn) emit(core, cpu.index, t, "spin-wait", o.label, o.describe?.(core.view));
      }
    }
  } else if (t.spinning) {
    t.spinning = false;
    t.spinReadyAt = backoffRetest(t.spinSince, at, core.cost);
  } else if (t.spinSince === 0) {
    t.spinReadyAt = cpu.clock;
  }
}

// ------------------------------------------------------ check-mode guards

function isPlain(v: object): boolean {
  if (Array.isArray(v)) return true;
  const p = Object.getPrototypeOf(v) as unknown;
  return p === Object.prototype || p === null;
}

/** The real object behind a guarded view (module-level: guards never cross machines, and a WeakMap keeps none alive). */
const proxyTargets = new WeakMap<object, object>();

/** The real object behind a check-mode guard (anything else as is). */
export function unguard<T>(v: T): T {
  if (typeof v === "object" && v !== null) {
    const t = proxyTargets.get(v);
    if (t !== undefined) return t as T;
  }
  return v;
}

/** May a guarded object read in scope `scopeId` still be used (and written, if read for writing)? */
function checkGuard(
  core: Core,
  c: Cell<unknown>,
  scopeId: number,
  write: boolean,
  mode: "r" | "w",
  what: PropertyKey,
): void {
  let ok = false;
  for (let s = core.scope; s !== null; s = s.parent) {
    if (s.id === scopeId) {
      ok = true;
      break;
    }
  }
  if (!ok) {
    throw new FootprintError(
      `${c.name}.${String(what)} used outside the step that read it (shared state may only be touched inside an op)`,
    );
  }
  if (write && mode === "r") {
    throw new FootprintError(`${c.name}.${String(what)} written through a read access (use tx.mutate)`);
  }
}

function guardObject(core: Core, target: object, cell: Cell<unknown>, mode: "r" | "w", scopeId: number): object {
  const cache = new WeakMap<object, object>();
  const wrap = (o: object): object => {
    let p = cache.get(o);
    if (p !== undefined) return p;
    p = new Proxy(o, {
      get(t, prop, recv) {
        checkGuard(core, cell, scopeId, false, mode, prop);
        const v = Reflect.get(t, prop, recv) as unknown;
        if (typeof v === "object" && v !== null && isPlain(v)) return wrap(v);
        return v;
      },
      set(t, prop, v) {
        checkGuard(core, cell, scopeId, true, mode, prop);
        return Reflect.set(t, prop, unguard(v));
      },
      deleteProperty(t, prop) {
        checkGuard(core, cell, scopeId, true, mode, prop);
        return Reflect.deleteProperty(t, prop);
      },
      has(t, prop) {
        checkGuard(core, cell, scopeId, false, mode, prop);
        return Reflect.has(t, prop);
      },
      ownKeys(t) {
        checkGuard(core, cell, scopeId, false, mode, "(keys)");
        return Reflect.ownKeys(t);
      },
    });
    cache.set(o, p);
    proxyTargets.set(p, o);
    return p;
  };
  return wrap(target);
}
