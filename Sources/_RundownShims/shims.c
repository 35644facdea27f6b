#include "rundown_shims.h"

#include <errno.h>
#include <linux/futex.h>
#include <sched.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

#ifndef RUNDOWN_CHECKED_DEFAULT
#define RUNDOWN_CHECKED_DEFAULT 0
#endif

int rundown_checked_mode_flag = RUNDOWN_CHECKED_DEFAULT;

__attribute__((constructor)) static void rundown_read_checked_mode_from_environment(void) {
    const char *value = getenv("RUNDOWN_CHECKED");
    if (value == NULL || value[0] == '\0') return;
    rundown_checked_mode_flag = (strcmp(value, "0") != 0);
}

int rundown_futex_wait(uint32_t *word, uint32_t expected) {
    long rc = syscall(SYS_futex, word, FUTEX_WAIT_PRIVATE, expected, NULL, NULL, 0);
    return rc == 0 ? 0 : errno;
}

void rundown_futex_wake_all(uint32_t *word) {
    // FUTEX_WAKE cannot fail on a valid private address; there is nothing to retry.
    (void)syscall(SYS_futex, word, FUTEX_WAKE_PRIVATE, INT32_MAX, NULL, NULL, 0);
}

uint32_t rundown_current_cpu_slow(void) {
    int cpu = sched_getcpu();
    return cpu < 0 ? 0u : (uint32_t)cpu;
}

uint32_t rundown_configured_cpu_count(void) {
    long n = sysconf(_SC_NPROCESSORS_CONF);
    return n < 1 ? 1u : (uint32_t)n;
}

uint32_t rundown_allowed_cpu_count(void) {
    cpu_set_t set;
    if (sched_getaffinity(0, sizeof set, &set) != 0) return 1;
    int n = CPU_COUNT(&set);
    return n < 1 ? 1u : (uint32_t)n;
}

/// The `index`-th CPU (modulo their number) of the process's original affinity mask.
static int rundown_nth_allowed_cpu(uint32_t index, cpu_set_t *all) {
    int n = CPU_COUNT(all);
    if (n < 1) return -1;
    int wanted = (int)(index % (uint32_t)n);
    for (int cpu = 0; cpu < CPU_SETSIZE; cpu++) {
        if (CPU_ISSET(cpu, all) && wanted-- == 0) return cpu;
    }
    return -1;
}

static cpu_set_t rundown_process_cpus;
static int rundown_process_cpus_known;

__attribute__((constructor)) static void rundown_remember_process_cpus(void) {
    rundown_process_cpus_known = sched_getaffinity(0, sizeof rundown_process_cpus, &rundown_process_cpus) == 0;
}

/// The CPU this thread was last pinned to by rundown_pin_current_thread, or -1 when its
/// affinity is not a single CPU set here (never pinned, or unpinned since).
static _Thread_local int rundown_pinned_cpu = -1;

int rundown_pin_current_thread(uint32_t cpu) {
    if (!rundown_process_cpus_known) return ENOSYS;
    int target = rundown_nth_allowed_cpu(cpu, &rundown_process_cpus);
    if (target < 0) return EINVAL;
    // Already pinned there: the system call would leave the affinity as it is.
    if (target == rundown_pinned_cpu) return 0;
    cpu_set_t one;
    CPU_ZERO(&one);
    CPU_SET(target, &one);
    if (sched_setaffinity(0, sizeof one, &one) != 0) return errno;
    rundown_pinned_cpu = target;
    return 0;
}

int rundown_unpin_current_thread(void) {
    if (!rundown_process_cpus_known) return ENOSYS;
    rundown_pinned_cpu = -1;
    return sched_setaffinity(0, sizeof rundown_process_cpus, &rundown_process_cpus) == 0 ? 0 : errno;
}
