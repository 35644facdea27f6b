#include "tool_stack.h"
#include "stack_symbols.h"
#include "rundown_shims.h"

#include <dlfcn.h>
#include <elf.h>
#include <fcntl.h>
#include <link.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
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

void rundown_soak_load_exe_symbols(void) {
    if (rundown_soak_exe.loaded) return;
    rundown_soak_exe.loaded = 1;
    // No /proc, or no memory for the map: names then come from the dynamic symbols only.
    int fd = open("/proc/self/exe", O_RDONLY | O_CLOEXEC);
    if (fd < 0) return;
    struct stat status;
    if (fstat(fd, &status) != 0) rundown_fatal_errno("fstat(/proc/self/exe)", errno);
    void *map = MAP_FAILED;
    if ((size_t)status.st_size > sizeof(ElfW(Ehdr)))
        map = mmap(NULL, (size_t)status.st_size, PROT_READ, MAP_PRIVATE, fd, 0);
    if (close(fd) != 0) rundown_fatal_errno("close(/proc/self/exe)", errno);
    if (map == MAP_FAILED) return;
    const ElfW(Ehdr) *header = map;
    if (memcmp(header->e_ident, ELFMAG, SELFMAG) != 0 || header->e_shoff == 0) {
        if (munmap(map, (size_t)status.st_size) != 0) rundown_fatal_errno("munmap(/proc/self/exe)", errno);
        return;
    }
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
