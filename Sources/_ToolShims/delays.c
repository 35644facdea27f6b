#include "tool_threads.h"
#include "rundown_shims.h"

#include <errno.h>
#include <sched.h>

void rundown_spin(uint32_t iterations) {
    for (uint32_t i = 0; i < iterations; i++) {
#if defined(__x86_64__)
        __asm__ __volatile__("pause");
#elif defined(__aarch64__)
        __asm__ __volatile__("yield");
#else
        __asm__ __volatile__("");
#endif
    }
}

void rundown_yield(void) {
    // Linux documents that sched_yield always succeeds.
    if (sched_yield() != 0) rundown_fatal_errno("sched_yield", errno);
}

static __thread uint64_t rundown_soak_jitter_state = 0x9E3779B97F4A7C15u;

void rundown_soak_jitter_seed(uint64_t seed) { rundown_soak_jitter_state = seed | 1; }

void rundown_soak_jitter(unsigned shift) {
    uint64_t x = rundown_soak_jitter_state;
    x ^= x << 13;
    x ^= x >> 7;
    x ^= x << 17;
    rundown_soak_jitter_state = x;
    if ((x & ((1u << shift) - 1)) != 0) return;
    if (((x >> 20) & 63) == 0) {
        rundown_yield();
        return;
    }
    for (volatile uint32_t i = (uint32_t)(x >> 40) & 2047; i > 0; i--) {}
}
