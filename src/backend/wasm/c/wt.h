/*
 * Shared definitions of the wasm kernels: SIMD types, the task signature every parallel kernel
 * follows, and small helpers. Kernels never allocate and keep their data off the shadow stack:
 * every buffer they touch, scratch included, is handed to them by the TypeScript side.
 */
#ifndef WT_H
#define WT_H
#include <stdint.h>
#include <wasm_simd128.h>

#define EXPORT(name) __attribute__((export_name(#name))) 
#define INLINE static inline __attribute__((always_inline))

typedef v128_t f4;

/*
 * acc + a * b, four lanes. The relaxed modules (built with -mrelaxed-simd -DWT_RELAXED) use one
 * f32x4.relaxed_madd, which the runtime compiles to a fused multiply-add where the CPU has one
 * (rounded once) and to a multiply and an add where it has not (rounded twice): results may then
 * differ in the last bit between machines, never between threads. The plain modules always round
 * twice, the same everywhere. clang-16's wasm_simd128.h has no wrapper for the builtin.
 */
#ifdef WT_RELAXED
INLINE f4 madd(f4 acc, f4 a, f4 b) {
  return (f4)__builtin_wasm_relaxed_madd_f32x4((__f32x4)a, (__f32x4)b, (__f32x4)acc);
}
#else
INLINE f4 madd(f4 acc, f4 a, f4 b) { return wasm_f32x4_add(acc, wasm_f32x4_mul(a, b)); }
#endif

/*
 * A task runs units [begin, end) of a kernel: elements, rows, row blocks or panels, whatever the
 * kernel splits its work into. `tid` is the thread running it (0 = the calling thread), for
 * per-thread scratch. The same task code runs single-threaded (one call over all units) and on
 * the pool (many calls over chunks).
 */
typedef void (*TaskFn)(const void *args, int32_t begin, int32_t end, int32_t tid);

/* Declares a task and exports a getter for its function-table index, so the TypeScript side can
 * name it in a job without a hand-kept list of numbers. */
#define TASK(name) \
  static void name(const void *args, int32_t begin, int32_t end, int32_t tid); \
  EXPORT(task_##name) int32_t task_##name##_id(void) { return (int32_t)(intptr_t)&name; } \
  static void name(const void *args, int32_t begin, int32_t end, int32_t tid)

INLINE int32_t imin(int32_t a, int32_t b) { return a < b ? a : b; }
INLINE int32_t imax(int32_t a, int32_t b) { return a > b ? a : b; }

#endif
