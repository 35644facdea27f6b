#include "rundown_shims.h"

#include <errno.h>
#include <sched.h>
#include <unistd.h>

uint32_t rundown_current_cpu_slow(void) {
    int cpu = sched_getcpu();
    // Fails only with ENOSYS, on kernels older than every one glibc supports.
    if (cpu < 0) rundown_fatal_errno("sched_getcpu", errno);
    return (uint32_t)cpu;
}

uint32_t rundown_configured_cpu_count(void) {
    // glibc counts /sys/devices/system/cpu and answers at least 1 when it cannot read it; the
    // guard keeps the slot arithmetic safe whatever a libc answers.
    long n = sysconf(_SC_NPROCESSORS_CONF);
    return n < 1 ? 1u : (uint32_t)n;
}
