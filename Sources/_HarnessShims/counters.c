#include "harness_shims.h"

// libFuzzer treats every byte of this section as an extra coverage counter (Linux only).
__attribute__((section("__libfuzzer_extra_counters"), used))
static uint8_t rundown_extra_counters[RUNDOWN_EXTRA_COUNTERS];

static int rundown_extra_counters_on = 1;

void rundown_extra_counter_hit(uint32_t index) {
    if (!rundown_extra_counters_on) return;
    uint8_t *counter = &rundown_extra_counters[index % RUNDOWN_EXTRA_COUNTERS];
    if (*counter != 255) *counter += 1;
}

void rundown_extra_counters_enable(int on) { rundown_extra_counters_on = on; }
