#include "tool_threads.h"
#include "rundown_shims.h"

#include <errno.h>
#include <sched.h>

/// The CPUs the process may use, as it started (before any thread was pinned here).
static cpu_set_t rundown_process_cpus;

__attribute__((constructor)) static void rundown_remember_process_cpus(void) {
    // Fails only when the kernel has more possible CPUs than a cpu_set_t holds (EINVAL, above
    // CPU_SETSIZE = 1024), which these tools do not support.
    if (sched_getaffinity(0, sizeof rundown_process_cpus, &rundown_process_cpus) != 0) {
        rundown_fatal_errno("sched_getaffinity", errno);
    }
}

/// The `index`-th CPU (modulo their number) of the process's original affinity mask, which
/// holds at least one CPU (the one the constructor ran on).
static int rundown_nth_process_cpu(uint32_t index) {
    int wanted = (int)(index % (uint32_t)CPU_COUNT(&rundown_process_cpus));
    int cpu = 0;
    for (; cpu < CPU_SETSIZE; cpu++) {
        if (CPU_ISSET(cpu, &rundown_process_cpus) && wanted-- == 0) break;
    }
    return cpu;
}

/// The CPU this thread was last pinned to by rundown_pin_current_thread, or -1 when its
/// affinity is not a single CPU set here (never pinned, or unpinned since).
static _Thread_local int rundown_pinned_cpu = -1;

/// sched_setaffinity for the calling thread: 0, or EINVAL when no CPU of `set` is available
/// any longer (offline, or outside a shrunken cpuset). Anything else stops the process.
static int rundown_set_affinity(const cpu_set_t *set) {
    if (sched_setaffinity(0, sizeof *set, set) == 0) return 0;
    if (errno == EINVAL) return EINVAL;
    rundown_fatal_errno("sched_setaffinity", errno);
}

uint32_t rundown_allowed_cpu_count(void) {
    cpu_set_t set;
    if (sched_getaffinity(0, sizeof set, &set) != 0) rundown_fatal_errno("sched_getaffinity", errno);
    int n = CPU_COUNT(&set);
    return n < 1 ? 1u : (uint32_t)n;
}

int rundown_pin_current_thread(uint32_t cpu) {
    int target = rundown_nth_process_cpu(cpu);
    // Already pinned there: the system call would leave the affinity as it is.
    if (target == rundown_pinned_cpu) return 0;
    cpu_set_t one;
    CPU_ZERO(&one);
    CPU_SET(target, &one);
    int error = rundown_set_affinity(&one);
    if (error == 0) rundown_pinned_cpu = target;
    return error;
}

int rundown_unpin_current_thread(void) {
    int error = rundown_set_affinity(&rundown_process_cpus);
    if (error == 0) rundown_pinned_cpu = -1;
    return error;
}
