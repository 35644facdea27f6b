#include "rundown_shims.h"

#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <unistd.h>

uint32_t rundown_current_cpu_slow(void) {
    int cpu = sched_getcpu();
    // Fails only with ENOSYS, on kernels older than every one glibc supports.
    if (cpu < 0) rundown_fatal_errno("sched_getcpu", errno);
    return (uint32_t)cpu;
}

uint32_t rundown_possible_cpu_count(void) {
    // "0-15", "0,2-3", "0": ranges of the CPU numbers the kernel may ever report (nr_cpu_ids).
    int fd = open("/sys/devices/system/cpu/possible", O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
        // Not mounted, or hidden by a sandbox: unknown, and the caller must not rely on it.
        if (errno == ENOENT || errno == EACCES || errno == EPERM || errno == ENOTDIR) return 0;
        rundown_fatal_errno("open(/sys/devices/system/cpu/possible)", errno);
    }
    char text[4096];
    ssize_t length;
    do {
        length = read(fd, text, sizeof text - 1);
    } while (length < 0 && errno == EINTR);
    int readError = length < 0 ? errno : 0;
    if (close(fd) != 0 && errno != EINTR) rundown_fatal_errno("close(/sys/devices/system/cpu/possible)", errno);
    if (readError != 0) rundown_fatal_errno("read(/sys/devices/system/cpu/possible)", readError);
    text[length] = 0;
    uint32_t highest = 0, number = 0;
    int digits = 0;
    for (ssize_t i = 0; i <= length; i++) {
        char c = text[i];
        if (c >= '0' && c <= '9') {
            if (number > 100000000u) return 0;  // not a CPU number: unknown
            number = number * 10 + (uint32_t)(c - '0');
            digits = 1;
        } else {
            if (digits && number > highest) highest = number;
            number = 0;
            digits = 0;
        }
    }
    return highest + 1;
}

uint32_t rundown_configured_cpu_count(void) {
    // glibc counts /sys/devices/system/cpu and answers at least 1 when it cannot read it; the
    // guard keeps the slot arithmetic safe whatever a libc answers. Never fewer slots than CPU
    // numbers the kernel may report: the fast path needs a slot of its own for every CPU (two
    // CPUs adding to one slot with plain stores lose updates; rseq makes a section exclusive
    // only on its own CPU).
    long n = sysconf(_SC_NPROCESSORS_CONF);
    uint32_t configured = n < 1 ? 1u : (uint32_t)n;
    uint32_t possible = rundown_possible_cpu_count();
    return possible > configured ? possible : configured;
}
