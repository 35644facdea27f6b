#include "tool_counters.h"

// libFuzzer treats every byte of this section as an extra coverage counter (Linux only).
__attribute__((section("__libfuzzer_extra_counters"), used))
static uint8_t rundown_extra_counters[RUNDOWN_EXTRA_COUNTERS];

void rundown_extra_counter_hit(uint32_t index) {
    uint8_t *counter = &rundown_extra_counters[index % RUNDOWN_EXTRA_COUNTERS];
    if (*counter != 255) *counter += 1;
}

void rundown_extra_counter_mark(uint32_t index) {
    rundown_extra_counters[index % RUNDOWN_EXTRA_COUNTERS] = 1;
}
