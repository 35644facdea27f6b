#include "tool_process.h"
#include "rundown_shims.h"

#include <errno.h>
#include <stdio.h>
#include <time.h>
#include <unistd.h>

uint64_t rundown_soak_now_ns(void) {
    struct timespec now;
    // CLOCK_MONOTONIC always exists on Linux: a failure is a broken system.
    if (clock_gettime(CLOCK_MONOTONIC, &now) != 0) rundown_fatal_errno("clock_gettime(CLOCK_MONOTONIC)", errno);
    return (uint64_t)now.tv_sec * 1000000000u + (uint64_t)now.tv_nsec;
}

void rundown_soak_sleep_ns(uint64_t ns) {
    struct timespec left = { (time_t)(ns / 1000000000u), (long)(ns % 1000000000u) };
    while (nanosleep(&left, &left) != 0) {
        // A signal handler ran (the stop signals): sleep the rest.
        if (errno != EINTR) rundown_fatal_errno("nanosleep", errno);
    }
}

uint64_t rundown_soak_resident_bytes(void) {
    // No /proc, or an unexpected format: unknown, which the reports show as 0.
    FILE *statm = fopen("/proc/self/statm", "r");
    if (!statm) return 0;
    unsigned long size = 0, resident = 0;
    int fields = fscanf(statm, "%lu %lu", &size, &resident);
    if (fclose(statm) != 0) rundown_fatal_errno("fclose(/proc/self/statm)", errno);
    if (fields != 2) return 0;
    long page = sysconf(_SC_PAGESIZE);
    if (page <= 0) rundown_fatal_errno("sysconf(_SC_PAGESIZE)", errno);
    return (uint64_t)resident * (uint64_t)page;
}

// isatty answers 0 for anything that is not a terminal (ENOTTY, or EBADF for a closed descriptor).
int rundown_soak_is_terminal(int fd) { return isatty(fd); }
