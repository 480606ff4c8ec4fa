/*
 * Running tasks: directly on the calling thread (wt_exec), or shared out to the worker pool through
 * a job slot in shared memory (wt_work, built only into the threaded module).
 *
 * The job slot's `claim` word holds (generation << 20 | next task index) while a job is open and
 * CLOSED between jobs. A thread takes a task by compare-and-swap on it, runs it, and counts it in
 * `done`; the thread that completes the last task wakes whoever waits on `done`. The caller (see
 * wasm/threads.ts) closes the slot before writing the next job, so a late worker can never take a
 * task of a job that is already finished; a task is re-checked against the job after the claim.
 * Only threads numbered below `threads` take tasks (each has its scratch there); the pool parks the
 * others.
 */
#include "wt.h"

EXPORT(wt_exec) void wt_exec(TaskFn fn, const void *args, int32_t begin, int32_t end, int32_t tid) {
  fn(args, begin, end, tid);
}

#ifdef WT_THREADS
#define CLOSED (-1)
#define IDX_BITS 20
#define IDX_MASK ((1 << IDX_BITS) - 1)

typedef struct {
  _Atomic int32_t claim; int32_t pad0[15]; /* own cache line: every thread writes it */
  _Atomic int32_t done; int32_t pad1[15];
  _Atomic int32_t fn, args, units, grain, ntasks;
  _Atomic int32_t stop, error, workerTasks, threads; /* written by wasm/threads.ts and the workers */
} Job;

/*
 * Run tasks of the open job until none is left. Returns the claim word as it was when this thread
 * found nothing more to take: a worker sleeps on exactly that value, so a job published after the
 * look (whose Atomics.notify found the worker not yet asleep) still wakes it, since the word differs.
 */
EXPORT(wt_work) int32_t wt_work(Job *job, int32_t tid) {
  for (;;) {
    int32_t v = __c11_atomic_load(&job->claim, __ATOMIC_SEQ_CST);
    if (v == CLOSED || (v & IDX_MASK) >= __c11_atomic_load(&job->ntasks, __ATOMIC_SEQ_CST) ||
        tid >= __c11_atomic_load(&job->threads, __ATOMIC_SEQ_CST)) {
      return v;
    }
    const int32_t idx = v & IDX_MASK;
    if (!__c11_atomic_compare_exchange_strong(&job->claim, &v, v + 1, __ATOMIC_SEQ_CST, __ATOMIC_SEQ_CST)) continue;
    /* The claim succeeded, so the job read now is the one `v` belonged to. */
    const int32_t ntasks = __c11_atomic_load(&job->ntasks, __ATOMIC_SEQ_CST);
    if (idx >= ntasks) continue;
    const int32_t units = __c11_atomic_load(&job->units, __ATOMIC_SEQ_CST), grain = __c11_atomic_load(&job->grain, __ATOMIC_SEQ_CST);
    const int32_t b = idx * grain, e = imin(units, b + grain);
    TaskFn fn = (TaskFn)(intptr_t)__c11_atomic_load(&job->fn, __ATOMIC_SEQ_CST);
    fn((const void *)(intptr_t)__c11_atomic_load(&job->args, __ATOMIC_SEQ_CST), b, e, tid);
    /* Counted before the task is marked done: a caller that sees the job finished sees its count. */
    if (tid) __c11_atomic_fetch_add(&job->workerTasks, 1, __ATOMIC_SEQ_CST);
    if (__c11_atomic_fetch_add(&job->done, 1, __ATOMIC_SEQ_CST) + 1 == ntasks)
      __builtin_wasm_memory_atomic_notify((int32_t *)&job->done, 1);
  }
}
#endif
