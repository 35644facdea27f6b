// Clocks and process facts for the tools.
#ifndef RUNDOWN_TOOL_PROCESS_H
#define RUNDOWN_TOOL_PROCESS_H

#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/// CLOCK_MONOTONIC in nanoseconds.
uint64_t rundown_soak_now_ns(void);

/// Sleeps for `ns` nanoseconds (restarts after signals until the time has passed).
void rundown_soak_sleep_ns(uint64_t ns);

/// Resident set size of this process in bytes (from /proc/self/statm); 0 if unknown.
uint64_t rundown_soak_resident_bytes(void);

/// 1 when file descriptor `fd` is a terminal.
int rundown_soak_is_terminal(int fd);

#ifdef __cplusplus
}
#endif

#endif
