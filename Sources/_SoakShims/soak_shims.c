#include "soak_shims.h"

#include <dlfcn.h>
#include <errno.h>
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#if RUNDOWN_HAVE_LIBUNWIND
#define UNW_LOCAL_ONLY
#include <libunwind.h>
#else
#include <execinfo.h>
#endif

int rundown_soak_backtrace(void **pcs, int capacity) {
    if (capacity <= 0) return 0;
#if RUNDOWN_HAVE_LIBUNWIND
    int n = unw_backtrace(pcs, capacity);
#else
    int n = backtrace(pcs, capacity);
#endif
    return n < 0 ? 0 : n;
}

const char *rundown_soak_unwinder(void) {
#if RUNDOWN_HAVE_LIBUNWIND
    return "libunwind";
#else
    return "glibc backtrace()";
#endif
}

// The Swift runtime's demangler (exported by libswiftCore, which every Swift program links).
extern char *swift_demangle(const char *mangled, size_t length, char *out, size_t *outLength, uint32_t flags);

void rundown_soak_describe_pc(const void *pc, char *out, size_t capacity) {
    if (capacity == 0) return;
    Dl_info info;
    memset(&info, 0, sizeof info);
    if (!dladdr(pc, &info)) {
        snprintf(out, capacity, "%p", pc);
        return;
    }
    const char *object = info.dli_fname ? strrchr(info.dli_fname, '/') : NULL;
    object = object ? object + 1 : (info.dli_fname ? info.dli_fname : "?");
    if (info.dli_sname) {
        char *demangled = swift_demangle(info.dli_sname, strlen(info.dli_sname), NULL, NULL, 0);
        snprintf(out, capacity, "%s+0x%lx (%s)", demangled ? demangled : info.dli_sname,
                 (unsigned long)((const char *)pc - (const char *)info.dli_saddr), object);
        free(demangled);
    } else {
        snprintf(out, capacity, "%s+0x%lx", object, (unsigned long)((const char *)pc - (const char *)info.dli_fbase));
    }
}

static volatile sig_atomic_t rundown_soak_signal = 0;

static void rundown_soak_on_stop_signal(int signal_number) {
    if (rundown_soak_signal == signal_number) {
        // The second of the same kind: the run did not stop in time; die the default way.
        struct sigaction fallback;
        memset(&fallback, 0, sizeof fallback);
        fallback.sa_handler = SIG_DFL;
        sigaction(signal_number, &fallback, NULL);
        raise(signal_number);
        return;
    }
    if (rundown_soak_signal == 0) rundown_soak_signal = signal_number;
}

void rundown_soak_install_stop_signals(void) {
    struct sigaction action;
    memset(&action, 0, sizeof action);
    action.sa_handler = rundown_soak_on_stop_signal;
    sigemptyset(&action.sa_mask);
    action.sa_flags = SA_RESTART;
    sigaction(SIGINT, &action, NULL);
    sigaction(SIGTERM, &action, NULL);
}

int rundown_soak_stop_signal(void) { return rundown_soak_signal; }

uint64_t rundown_soak_now_ns(void) {
    struct timespec now;
    clock_gettime(CLOCK_MONOTONIC, &now);
    return (uint64_t)now.tv_sec * 1000000000u + (uint64_t)now.tv_nsec;
}

void rundown_soak_sleep_ns(uint64_t ns) {
    struct timespec left = { (time_t)(ns / 1000000000u), (long)(ns % 1000000000u) };
    while (nanosleep(&left, &left) != 0 && errno == EINTR) {}
}

uint64_t rundown_soak_resident_bytes(void) {
    FILE *statm = fopen("/proc/self/statm", "r");
    if (!statm) return 0;
    unsigned long size = 0, resident = 0;
    int fields = fscanf(statm, "%lu %lu", &size, &resident);
    fclose(statm);
    if (fields != 2) return 0;
    return (uint64_t)resident * (uint64_t)sysconf(_SC_PAGESIZE);
}

int rundown_soak_is_terminal(int fd) { return isatty(fd); }

void rundown_soak_name_thread(const char *name) {
    char shortName[16];
    snprintf(shortName, sizeof shortName, "%s", name);
    pthread_setname_np(pthread_self(), shortName);
}

int rundown_soak_spawn(void *(*body)(void *), void *context, uint64_t *handle) {
    pthread_t thread;
    int error = pthread_create(&thread, NULL, body, context);
    if (error == 0) *handle = (uint64_t)thread;
    return error;
}

void rundown_soak_join(uint64_t handle) { pthread_join((pthread_t)handle, NULL); }

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
        sched_yield();
        return;
    }
    for (volatile uint32_t i = (uint32_t)(x >> 40) & 2047; i > 0; i--) {}
}
