#include "rundown_shims.h"

#include <errno.h>
#include <linux/futex.h>
#include <sys/syscall.h>
#include <unistd.h>

int rundown_futex_wait(uint32_t *word, uint32_t expected) {
    if (syscall(SYS_futex, word, FUTEX_WAIT_PRIVATE, expected, NULL, NULL, 0) == 0) return 0;
    int error = errno;
    // The word already differed, or a signal came: the caller re-checks its condition.
    if (error == EAGAIN || error == EINTR) return error;
    // EFAULT (not a mapped word), EINVAL (misaligned), ENOSYS: retrying would spin forever.
    rundown_fatal_errno("futex(FUTEX_WAIT_PRIVATE)", error);
}

void rundown_futex_wake_all(uint32_t *word) {
    // A private wake never reads the word, so it fails only on a misaligned or kernel address
    // (EINVAL, EFAULT) or without futexes (ENOSYS): a bug, not a condition to retry.
    if (syscall(SYS_futex, word, FUTEX_WAKE_PRIVATE, INT32_MAX, NULL, NULL, 0) < 0) {
        rundown_fatal_errno("futex(FUTEX_WAKE_PRIVATE)", errno);
    }
}
