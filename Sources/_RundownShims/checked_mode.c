#include "rundown_shims.h"

#include <stdlib.h>
#include <string.h>

#ifndef RUNDOWN_CHECKED_DEFAULT
#define RUNDOWN_CHECKED_DEFAULT 0
#endif

int rundown_checked_mode_flag = RUNDOWN_CHECKED_DEFAULT;

// Before main, so that every entry point, from Swift or C, sees the environment's choice; after
// the fast-path choice (constructor priority 101 in rseq_slot.c), which the combined flag needs.
__attribute__((constructor)) static void rundown_read_checked_mode_from_environment(void) {
    const char *value = getenv("RUNDOWN_CHECKED");
    if (value != NULL && value[0] != '\0') rundown_checked_mode_flag = (strcmp(value, "0") != 0);
    rundown_set_checked_mode(rundown_checked_mode_flag);
}
