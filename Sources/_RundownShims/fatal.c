#include "rundown_shims.h"

#include <stdlib.h>
#include <string.h>
#include <unistd.h>

// Only write() and glibc's static errno tables below: async-signal-safe, so that a signal
// handler may stop the process through here too.

static void rundown_fatal_write(const char *text) {
    size_t length = strlen(text);
    while (length > 0) {
        ssize_t n = write(2, text, length);
        if (n <= 0) return;  // standard error is gone: the abort below still stops the process
        text += n;
        length -= (size_t)n;
    }
}

/// "errno N" for an error number glibc has no name for.
static void rundown_fatal_write_number(int error) {
    char digits[24];
    char *end = digits + sizeof digits - 1;
    *end = '\0';
    unsigned value = error < 0 ? (unsigned)-error : (unsigned)error;
    do {
        *--end = (char)('0' + value % 10);
        value /= 10;
    } while (value != 0);
    if (error < 0) *--end = '-';
    rundown_fatal_write("errno ");
    rundown_fatal_write(end);
}

void rundown_fatal_errno(const char *call, int error) {
    const char *name = NULL;
    const char *description = NULL;
#if defined(__GLIBC__) && __GLIBC_PREREQ(2, 32)
    name = strerrorname_np(error);
    description = strerrordesc_np(error);
#endif
    rundown_fatal_write("rundown: ");
    rundown_fatal_write(call);
    rundown_fatal_write(" failed: ");
    if (name != NULL) {
        rundown_fatal_write(name);
    } else {
        rundown_fatal_write_number(error);
    }
    if (description != NULL) {
        rundown_fatal_write(" (");
        rundown_fatal_write(description);
        rundown_fatal_write(")");
    }
    rundown_fatal_write("\n");
    abort();
}
