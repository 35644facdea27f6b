#include "soak_shims.h"

#include <dlfcn.h>
#include <elf.h>
#include <fcntl.h>
#include <link.h>
#include <sys/mman.h>
#include <sys/stat.h>
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
#endif
#include <execinfo.h>

int rundown_soak_backtrace(void **pcs, int capacity) {
    if (capacity <= 0) return 0;
#if RUNDOWN_HAVE_LIBUNWIND
    // unw_backtrace lists its own frame first; glibc's backtrace() does not. Drop it, so that
    // both start at this function.
    void *all[65];
    int n = unw_backtrace(all, capacity + 1 < 65 ? capacity + 1 : 65);
    if (n <= 1) return 0;
    memcpy(pcs, all + 1, (size_t)(n - 1) * sizeof *pcs);
    return n - 1;
#else
    int n = backtrace(pcs, capacity);
    return n < 0 ? 0 : n;
#endif
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

// The executable's full symbol table (.symtab), mapped from /proc/self/exe on first use:
// dladdr sees only the dynamic symbols, and Swift's internal functions are not among them.
static struct {
    int loaded;
    const ElfW(Sym) *symbols;
    size_t count;
    const char *names;
    uintptr_t bias;
} rundown_soak_exe;

static int rundown_soak_main_bias(struct dl_phdr_info *info, size_t size, void *data) {
    (void)size;
    *(uintptr_t *)data = (uintptr_t)info->dlpi_addr;
    return 1;  // the first object is the executable
}

static void rundown_soak_load_exe_symbols(void) {
    if (rundown_soak_exe.loaded) return;
    rundown_soak_exe.loaded = 1;
    int fd = open("/proc/self/exe", O_RDONLY | O_CLOEXEC);
    if (fd < 0) return;
    struct stat status;
    void *map = MAP_FAILED;
    if (fstat(fd, &status) == 0 && (size_t)status.st_size > sizeof(ElfW(Ehdr)))
        map = mmap(NULL, (size_t)status.st_size, PROT_READ, MAP_PRIVATE, fd, 0);
    close(fd);
    if (map == MAP_FAILED) return;
    const ElfW(Ehdr) *header = map;
    if (memcmp(header->e_ident, ELFMAG, SELFMAG) != 0 || header->e_shoff == 0) return;
    const ElfW(Shdr) *sections = (const ElfW(Shdr) *)((const char *)map + header->e_shoff);
    for (unsigned i = 0; i < header->e_shnum; i++) {
        if (sections[i].sh_type != SHT_SYMTAB || sections[i].sh_link >= header->e_shnum) continue;
        rundown_soak_exe.symbols = (const ElfW(Sym) *)((const char *)map + sections[i].sh_offset);
        rundown_soak_exe.count = sections[i].sh_size / sizeof(ElfW(Sym));
        rundown_soak_exe.names = (const char *)map + sections[sections[i].sh_link].sh_offset;
        break;
    }
    dl_iterate_phdr(rundown_soak_main_bias, &rundown_soak_exe.bias);
}

/// The executable's function symbol covering `pc`, and its start; NULL if none.
static const char *rundown_soak_exe_symbol(const void *pc, uintptr_t *start) {
    rundown_soak_load_exe_symbols();
    uintptr_t address = (uintptr_t)pc - rundown_soak_exe.bias;
    for (size_t i = 0; i < rundown_soak_exe.count; i++) {
        const ElfW(Sym) *symbol = &rundown_soak_exe.symbols[i];
        if (ELF64_ST_TYPE(symbol->st_info) != STT_FUNC || symbol->st_size == 0) continue;
        if (address >= symbol->st_value && address < symbol->st_value + symbol->st_size) {
            *start = symbol->st_value + rundown_soak_exe.bias;
            return rundown_soak_exe.names + symbol->st_name;
        }
    }
    return NULL;
}

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
    const char *name = info.dli_sname;
    uintptr_t start = (uintptr_t)info.dli_saddr;
    Dl_info self;
    if (dladdr((const void *)rundown_soak_describe_pc, &self) && self.dli_fbase == info.dli_fbase) {
        uintptr_t exeStart = 0;
        const char *exeName = rundown_soak_exe_symbol(pc, &exeStart);
        if (exeName && (!name || exeStart > start)) {
            name = exeName;
            start = exeStart;
        }
    }
    if (name) {
        char *demangled = swift_demangle(name, strlen(name), NULL, NULL, 0);
        snprintf(out, capacity, "%s+0x%lx (%s)", demangled ? demangled : name,
                 (unsigned long)((uintptr_t)pc - start), object);
        free(demangled);
    } else {
        snprintf(out, capacity, "%s+0x%lx", object, (unsigned long)((const char *)pc - (const char *)info.dli_fbase));
    }
}

// Written by a signal handler on any thread, read by the main thread: relaxed atomics (lock-free,
// so safe in a handler). The first stop signal and when it came (CLOCK_MONOTONIC; 0 until the
// handler that won the first signal has stored it).
static int rundown_soak_signal = 0;
static uint64_t rundown_soak_signal_ns = 0;

// Async-signal-safe: clock_gettime (POSIX lists it), atomics, sigaction, raise; errno is kept.
static void rundown_soak_on_stop_signal(int signal_number) {
    int saved_errno = errno;
    struct timespec now;
    int have_clock = clock_gettime(CLOCK_MONOTONIC, &now) == 0;
    uint64_t now_ns = have_clock ? (uint64_t)now.tv_sec * 1000000000u + (uint64_t)now.tv_nsec : 0;
    int none = 0;
    if (__atomic_compare_exchange_n(&rundown_soak_signal, &none, signal_number, 0, __ATOMIC_RELAXED, __ATOMIC_RELAXED)) {
        // The first: the run stops cleanly. Without a clock, any later signal kills (time 1 is
        // long before any window).
        __atomic_store_n(&rundown_soak_signal_ns, have_clock && now_ns > 0 ? now_ns : 1, __ATOMIC_RELAXED);
        errno = saved_errno;
        return;
    }
    uint64_t first_ns = __atomic_load_n(&rundown_soak_signal_ns, __ATOMIC_RELAXED);
    // 0: the first signal's handler is still running on another thread, so this one is part
    // of the same burst (timeout(1) signals the child and then its process group).
    if (first_ns == 0 || (have_clock && now_ns - first_ns < RUNDOWN_SOAK_STOP_WINDOW_NS)) {
        errno = saved_errno;
        return;
    }
    // A deliberate later signal: the run did not stop in time; die the default way.
    struct sigaction fallback;
    memset(&fallback, 0, sizeof fallback);
    fallback.sa_handler = SIG_DFL;
    sigaction(signal_number, &fallback, NULL);
    raise(signal_number);
    errno = saved_errno;
}

int rundown_soak_install_stop_signals(void) {
    struct sigaction action;
    memset(&action, 0, sizeof action);
    action.sa_handler = rundown_soak_on_stop_signal;
    sigemptyset(&action.sa_mask);
    // Both stop signals blocked while either handler runs on a thread: a burst is handled one at a time there.
    sigaddset(&action.sa_mask, SIGINT);
    sigaddset(&action.sa_mask, SIGTERM);
    action.sa_flags = SA_RESTART;
    if (sigaction(SIGINT, &action, NULL) != 0 || sigaction(SIGTERM, &action, NULL) != 0) return -1;
    // A process inherits its parent's blocked signals (test runners and some CI runners block
    // SIGINT): unblock them here, on the main thread, before the run's threads inherit its mask.
    sigset_t stop;
    sigemptyset(&stop);
    sigaddset(&stop, SIGINT);
    sigaddset(&stop, SIGTERM);
    int error = pthread_sigmask(SIG_UNBLOCK, &stop, NULL);
    if (error != 0) {
        errno = error;
        return -1;
    }
    return 0;
}

int rundown_soak_stop_signal(void) { return __atomic_load_n(&rundown_soak_signal, __ATOMIC_RELAXED); }

#if defined(__has_feature)
#if __has_feature(address_sanitizer) || __has_feature(thread_sanitizer)
#define RUNDOWN_SOAK_SANITIZED 1
#endif
#endif

static void rundown_soak_write(const char *text) {
    size_t length = strlen(text);
    while (length > 0) {
        ssize_t n = write(2, text, length);
        if (n <= 0) return;
        text += n;
        length -= (size_t)n;
    }
}

static void rundown_soak_on_crash(int signal_number, siginfo_t *info, void *context) {
    (void)context;
    // The verdict first, with nothing but write(): the process may be corrupted enough that
    // anything fancier faults again (and a second fault kills it at once: SA_RESETHAND).
    const char *name = signal_number == SIGSEGV ? "SIGSEGV" : signal_number == SIGBUS ? "SIGBUS"
                     : signal_number == SIGILL ? "SIGILL" : "SIGFPE";
    rundown_soak_write("\nrundown-soak: FAILURE (crash): ");
    rundown_soak_write(name);
    rundown_soak_write("\n");
    char line[256];
    char thread[16] = "?";
    pthread_getname_np(pthread_self(), thread, sizeof thread);
    snprintf(line, sizeof line, "at address %p in thread '%s'; its stack:\n", info ? info->si_addr : NULL, thread);
    rundown_soak_write(line);
    // If what follows hangs (a crash inside malloc holds its lock, and symbolising allocates),
    // the alarm ends the process: the verdict is already out.
    alarm(5);
    // glibc's unwinder here (primed at install: its first call loads libgcc_s): it steps
    // through the signal frame into the faulting code. Raw addresses first, names after.
    void *pcs[48];
    int n = backtrace(pcs, 48);
    backtrace_symbols_fd(pcs, n, 2);
    rundown_soak_write("symbolised:\n");
    for (int i = 0; i < n; i++) {
        char frame[512];
        rundown_soak_describe_pc(pcs[i], frame, sizeof frame);
        snprintf(line, sizeof line, "  #%d ", i);
        rundown_soak_write(line);
        rundown_soak_write(frame);
        rundown_soak_write("\n");
    }
    struct sigaction fallback;
    memset(&fallback, 0, sizeof fallback);
    fallback.sa_handler = SIG_DFL;
    sigaction(signal_number, &fallback, NULL);
    raise(signal_number);
}

int rundown_soak_install_crash_handlers(void) {
#ifndef RUNDOWN_SOAK_SANITIZED
    rundown_soak_load_exe_symbols();  // not in the handler: it allocates
    void *prime[1];
    backtrace(prime, 1);  // the first call loads libgcc_s (dlopen, malloc): not in the handler
    static char alternate_stack[64 * 1024];  // a stack overflow still gets its verdict
    stack_t stack = { .ss_sp = alternate_stack, .ss_size = sizeof alternate_stack, .ss_flags = 0 };
    if (sigaltstack(&stack, NULL) != 0) return -1;
    struct sigaction action;
    memset(&action, 0, sizeof action);
    action.sa_sigaction = rundown_soak_on_crash;
    sigemptyset(&action.sa_mask);
    action.sa_flags = SA_SIGINFO | SA_RESETHAND | SA_ONSTACK;
    if (sigaction(SIGSEGV, &action, NULL) != 0 || sigaction(SIGBUS, &action, NULL) != 0
        || sigaction(SIGILL, &action, NULL) != 0 || sigaction(SIGFPE, &action, NULL) != 0) return -1;
#endif
    return 0;
}

uint64_t rundown_soak_now_ns(void) {
    struct timespec now;
    if (clock_gettime(CLOCK_MONOTONIC, &now) != 0) abort();  // CLOCK_MONOTONIC always exists on Linux
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

void rundown_soak_detach(uint64_t handle) { pthread_detach((pthread_t)handle); }

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
