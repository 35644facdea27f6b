#include "tool_threads.h"
#include "rundown_shims.h"

#include <pthread.h>
#include <string.h>

/// The name this thread was last given here (a pool thread keeps its name from input to input).
static _Thread_local char rundown_thread_name[16];

void rundown_name_current_thread(const char *name) {
    char shortened[16];  // the kernel keeps 15 characters
    size_t i = 0;
    for (; name[i] != '\0' && i < sizeof shortened - 1; i++) shortened[i] = name[i];
    shortened[i] = '\0';
    if (strcmp(shortened, rundown_thread_name) == 0) return;  // no system call for the same name
    rundown_check_error(pthread_setname_np(pthread_self(), shortened), "pthread_setname_np");
    memcpy(rundown_thread_name, shortened, sizeof shortened);
}

static pthread_mutex_t rundown_thread_runs = PTHREAD_MUTEX_INITIALIZER;

void rundown_thread_runs_lock(void) {
    rundown_check_error(pthread_mutex_lock(&rundown_thread_runs), "pthread_mutex_lock");
}

void rundown_thread_runs_unlock(void) {
    rundown_check_error(pthread_mutex_unlock(&rundown_thread_runs), "pthread_mutex_unlock");
}
