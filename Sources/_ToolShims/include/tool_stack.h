// Call stacks and symbol names for the soak tester's watchdog and crash reports.
#ifndef RUNDOWN_TOOL_STACK_H
#define RUNDOWN_TOOL_STACK_H

#include <stddef.h>

#ifdef __cplusplus
extern "C" {
#endif

/// Writes up to `capacity` return addresses of the calling thread's stack into `pcs`, the
/// caller's frame first; returns how many. libunwind when the build found it, glibc's
/// backtrace() otherwise.
int rundown_soak_backtrace(void **pcs, int capacity);

/// "libunwind" or "glibc backtrace()": what rundown_soak_backtrace uses in this build.
const char *rundown_soak_unwinder(void);

/// Describes `pc` as "symbol+0xoffset (object)" into `out` (demangled when it is a Swift
/// symbol); falls back to "object+0xoffset" when no symbol covers it. Always NUL-terminates.
void rundown_soak_describe_pc(const void *pc, char *out, size_t capacity);

#ifdef __cplusplus
}
#endif

#endif
