/*
 * The lost-wakeup scenario of kprim (packages/scenarios/src/catalogue/
 * lostWakeup.ts) transcribed step for step into Promela, for the benchmark
 * report's SPIN comparison (apps/bench/src/groups/spin.ts runs it).
 *
 * N sleepers, sleeper i on cpu i; one waker on cpu N. Each sleeper takes
 * spinlock L, tests flag, and sleeps on ident X until flag is set; the waker
 * takes L, sets flag, releases L and calls wakeup(X). VARIANT says how a
 * sleeper goes to sleep (kprim's `interlock` parameter):
 *
 *   1  tsleep_interlock        msleep: crit_enter; tsleep_interlock(X);
 *                              spin_unlock(L); tsleep(X); spin_lock(L); crit_exit
 *   2  none                    spin_unlock(L); tsleep(X); spin_lock(L)
 *   3  no-crit                 L taken with spin_trylock (no critical section);
 *                              tsleep_interlock(X); spin_unlock_quick(L); tsleep(X)
 *   4  test-before-interlock   spin_unlock(L); crit_enter; tsleep_interlock(X);
 *                              tsleep(X); crit_exit; spin_lock(L)
 *
 * One kprim step = one atomic block here: the step's op, then the thread's
 * own code up to its next op (critical-section counts change there), as
 * kprim's machine runs it. The machine's rules kept (packages/machine):
 *
 * - A cpu takes an IPI when its thread is outside a critical section, when
 *   it has no thread (blocked or ended), or when the IPI is owed: leaving
 *   the outermost section makes every waiting IPI owed, and the thread takes
 *   no step until the owed ones have run.
 * - A thread woken on an idle cpu is switched in by a step of its own (the
 *   cpu's dispatch), where it runs its own code up to its next op; other
 *   cpus may step in between.
 * - spin_lock: crit_enter, then a compare-and-exchange; if L was held, one
 *   spin-until step (enabled once L is free), then a compare-and-swap; again
 *   if another cpu won.
 * - tsleep: one step that queues the thread on its cpu's bucket, sets the
 *   cpu's bit in the bucket's cpumask and switches out.
 * - wakeup (chain form): one step that runs _wakeup on this cpu (no sleeper
 *   on the waker's cpu), then sends an IPI to the next cpu whose bit is set
 *   after this one, wrapping, never past the starting cpu. _wakeup on a cpu:
 *   take its sleeper off the bucket and schedule it, clear this cpu's bit
 *   (its bucket is now empty), send on to the next cpu with a set bit.
 *
 * The checks are kprim's two detectors:
 * - lost-wakeup (I6): at quiescence no thread sleeps on X while flag is set
 *   (the Watch process asserts it when nothing else can move);
 * - interlock-discipline (I8): tsleep_interlock is called inside a critical
 *   section (the only rule these variants can break); kprim ends the run at
 *   that step, and so does the assertion here.
 *
 * Run: spin -DN=3 -DVARIANT=1 -a lost-wakeup.pml && gcc -O2 -DSAFETY -o pan pan.c && ./pan -m1000000
 */
#ifndef N
#define N 2
#endif
#ifndef VARIANT
#define VARIANT 1
#endif
#define W N            /* the waker's cpu */

/* Sleeper program counters: the op each sleeper performs next. */
#define P_CAS      1   /* spin_lock: cmpxchg(L, 0, me) */
#define P_SPIN     2   /* spin_lock contested: spin until L == 0 */
#define P_CAS2     3   /* spin_lock contested: cas(L, 0, me) */
#define P_TRY      4   /* spin_trylock(L) (no-crit) */
#define P_RETRY    5   /* nop("retry") after a failed trylock */
#define P_LOAD     6   /* load flag */
#define P_TI       7   /* tsleep_interlock(X) */
#define P_UNLOCK   8   /* spin_unlock(L) before tsleep */
#define P_TSLEEP   9   /* tsleep(X): queue, set bit, switch out */
#define P_ASLEEP  10   /* switched out in tsleep */
#define P_UNLOCK_END 11 /* the final spin_unlock(L) */
#define P_DONE    12

byte L = 0;                 /* the spinlock word: 0 free, holder's id + 1 */
bit flag = 0;
byte mask = 0;              /* slpque_cpumasks[LOOKUP(X)] */
bit queued[N];              /* sleeper i is on cpu i's bucket */
bit inmsleep[N];            /* sleeper i is inside msleep (its crit_exit comes after spin_lock) */
byte pc[N];
byte crit[N + 1];           /* the critical count of each cpu's thread */
bit idle[N + 1];            /* the cpu has no current thread */
bit ready[N];               /* the cpu owes the dispatch of its woken sleeper */
byte ipi[N + 1];            /* _wakeup messages waiting for the cpu */
byte owed[N + 1];           /* of which owed before the thread's next step */
bit lost_wakeup = 0;
bit interlock_discipline = 0;

/* A thread steps only while it is current and owes no IPI. */
#define RUN(c) (!idle[c] && owed[c] == 0)
#define CRIT_EXIT(c) crit[c]--; if :: crit[c] == 0 -> owed[c] = ipi[c] :: else -> skip fi
/* The first cpu with a set bit after c, before the starting cpu W: send it _wakeup. */
#define CHAIN(c, d) d = c; \
  do \
  :: d = (d + 1) % (N + 1); \
     if \
     :: d == W -> break \
     :: d != W && (mask & (1 << d)) != 0 -> ipi[d]++; break \
     :: else -> skip \
     fi \
  od

/* Taking L: msleep's crit_exit follows the re-acquire (the count stays above zero). */
#define TOOK(c) L = c + 1; if :: inmsleep[c] -> inmsleep[c] = 0; CRIT_EXIT(c) :: else -> skip fi; pc[c] = P_LOAD

/* What a woken sleeper runs in the step that switched it in, up to its next op. */
#if VARIANT == 1
#define RESUME(c) CRIT_EXIT(c); crit[c]++; pc[c] = P_CAS   /* msleep keeps its section */
#elif VARIANT == 2
#define RESUME(c) CRIT_EXIT(c); crit[c]++; pc[c] = P_CAS
#elif VARIANT == 3
#define RESUME(c) CRIT_EXIT(c); pc[c] = P_TRY
#else
#define RESUME(c) CRIT_EXIT(c); CRIT_EXIT(c); crit[c]++; pc[c] = P_CAS
#endif

proctype Sleeper(byte me) {
  do
  :: atomic { RUN(me) && pc[me] == P_CAS ->
       if
       :: L == 0 -> TOOK(me)
       :: else -> pc[me] = P_SPIN
       fi }
  :: atomic { RUN(me) && pc[me] == P_SPIN && L == 0 -> pc[me] = P_CAS2 }
  :: atomic { RUN(me) && pc[me] == P_CAS2 ->
       if
       :: L == 0 -> TOOK(me)
       :: else -> pc[me] = P_SPIN
       fi }
  :: atomic { RUN(me) && pc[me] == P_TRY ->
       if
       :: L == 0 -> L = me + 1; pc[me] = P_LOAD
       :: else -> pc[me] = P_RETRY
       fi }
  :: atomic { RUN(me) && pc[me] == P_RETRY -> pc[me] = P_TRY }
  :: atomic { RUN(me) && pc[me] == P_LOAD ->
       if
       :: flag -> pc[me] = P_UNLOCK_END
#if VARIANT == 1
       :: else -> crit[me]++; inmsleep[me] = 1; pc[me] = P_TI   /* msleep: crit_enter */
#elif VARIANT == 3
       :: else -> pc[me] = P_TI
#else
       :: else -> pc[me] = P_UNLOCK
#endif
       fi }
  :: atomic { RUN(me) && pc[me] == P_TI ->
       interlock_discipline = (crit[me] == 0);
       assert(!interlock_discipline);
       mask = mask | (1 << me);
#if VARIANT == 1
       pc[me] = P_UNLOCK
#elif VARIANT == 3
       pc[me] = P_UNLOCK
#else
       crit[me]++; pc[me] = P_TSLEEP                   /* tsleep: crit_enter */
#endif
     }
  :: atomic { RUN(me) && pc[me] == P_UNLOCK ->
       L = 0;
#if VARIANT == 1
       CRIT_EXIT(me); crit[me]++; pc[me] = P_TSLEEP    /* spin_unlock's crit_exit; tsleep's crit_enter */
#elif VARIANT == 2
       CRIT_EXIT(me); crit[me]++; pc[me] = P_TSLEEP
#elif VARIANT == 3
       crit[me]++; pc[me] = P_TSLEEP                   /* spin_unlock_quick; tsleep's crit_enter */
#else
       CRIT_EXIT(me); crit[me]++; pc[me] = P_TI        /* spin_unlock's crit_exit; crit_enter */
#endif
     }
  :: atomic { RUN(me) && pc[me] == P_TSLEEP ->
       queued[me] = 1; mask = mask | (1 << me); pc[me] = P_ASLEEP; idle[me] = 1 }
  :: atomic { RUN(me) && pc[me] == P_UNLOCK_END ->
       L = 0;
#if VARIANT != 3
       CRIT_EXIT(me);
#endif
       pc[me] = P_DONE; idle[me] = 1 }
  :: pc[me] == P_DONE -> break
  od
}

proctype Waker() {
  byte wpc = P_CAS;
  byte d;
  do
  :: atomic { RUN(W) && wpc == P_CAS ->
       if
       :: L == 0 -> L = W + 1; wpc = P_LOAD            /* next: store flag */
       :: else -> wpc = P_SPIN
       fi }
  :: atomic { RUN(W) && wpc == P_SPIN && L == 0 -> wpc = P_CAS2 }
  :: atomic { RUN(W) && wpc == P_CAS2 ->
       if
       :: L == 0 -> L = W + 1; wpc = P_LOAD
       :: else -> wpc = P_SPIN
       fi }
  :: atomic { RUN(W) && wpc == P_LOAD -> flag = 1; wpc = P_UNLOCK }
  :: atomic { RUN(W) && wpc == P_UNLOCK -> L = 0; CRIT_EXIT(W); wpc = P_TSLEEP }   /* next: wakeup */
  :: atomic { RUN(W) && wpc == P_TSLEEP ->
       /* _wakeup here: no sleeper on the waker's cpu, its bit never set; then the chain */
       CHAIN(W, d);
       wpc = P_DONE; idle[W] = 1 }
  :: wpc == P_DONE -> break
  od
}

/* Cpu c's IPIs: _wakeup(X), started on cpu W. */
proctype Cpu(byte c) {
  byte d;
  bit woke;
end:
  do
  :: atomic { ipi[c] > 0 && (idle[c] || crit[c] == 0 || owed[c] > 0) ->
       ipi[c]--;
       if :: owed[c] > 0 -> owed[c]-- :: else -> skip fi;
       woke = queued[c];
       queued[c] = 0;
       mask = mask & ~(1 << c);
       CHAIN(c, d);
       ready[c] = woke;
       woke = 0; d = 0 }
  :: atomic { ready[c] -> ready[c] = 0; idle[c] = 0; RESUME(c) }   /* the dispatch */
  od
}

/* lost-wakeup (I6), judged when nothing else can move. */
active proctype Watch() {
  byte i;
  timeout ->
  atomic {
    i = 0;
    do
    :: i < N -> lost_wakeup = lost_wakeup || (queued[i] && flag); i++
    :: else -> break
    od;
    assert(!lost_wakeup)
  }
}

init {
  byte i;
  atomic {
    i = 0;
    do
    :: i < N ->
#if VARIANT == 3
       crit[i] = 0; pc[i] = P_TRY;                     /* spin_trylock enters no critical section */
#else
       crit[i] = 1; pc[i] = P_CAS;                     /* spin_lock's crit_enter */
#endif
       run Cpu(i); run Sleeper(i); i++
    :: else -> break
    od;
    crit[W] = 1;
    run Waker()
  }
}
