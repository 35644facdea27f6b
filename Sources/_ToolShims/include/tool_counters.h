// The libFuzzer extra-counters array, fed with the controlled scheduler's interleaving features.
#ifndef RUNDOWN_TOOL_COUNTERS_H
#define RUNDOWN_TOOL_COUNTERS_H

#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/// Number of extra coverage counters.
#define RUNDOWN_EXTRA_COUNTERS 4096

/// Bumps extra counter `index % RUNDOWN_EXTRA_COUNTERS` (libFuzzer reads the whole array as
/// coverage features when the binary is built with -fsanitize=fuzzer; elsewhere it is inert).
void rundown_extra_counter_hit(uint32_t index);

/// Sets extra counter `index % RUNDOWN_EXTRA_COUNTERS` to 1 if it is 0: a feature that says only
/// whether something happened in a run, not how often (libFuzzer makes a feature of each
/// hit-count bucket; a presence counter makes one).
void rundown_extra_counter_mark(uint32_t index);

#ifdef __cplusplus
}
#endif

#endif
