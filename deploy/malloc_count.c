/* A malloc counter for `deploy/bench.sh policy`: preloaded, it counts the heap allocations of
   each decision (the benchmark reads latchkey_malloc_count()). Built into .build/ on demand. */
#include <stdint.h>
#include <stddef.h>
static uint64_t count;
extern void *__libc_malloc(size_t);
extern void *__libc_calloc(size_t, size_t);
extern void *__libc_realloc(void *, size_t);
void *malloc(size_t n) { __atomic_add_fetch(&count, 1, __ATOMIC_RELAXED); return __libc_malloc(n); }
void *calloc(size_t a, size_t b) { __atomic_add_fetch(&count, 1, __ATOMIC_RELAXED); return __libc_calloc(a, b); }
void *realloc(void *p, size_t n) { __atomic_add_fetch(&count, 1, __ATOMIC_RELAXED); return __libc_realloc(p, n); }
uint64_t latchkey_malloc_count(void) { return __atomic_load_n(&count, __ATOMIC_RELAXED); }
