/* cross_thread_release.c: a C program using the Rundown library through rundown.h.
 *
 * An owner publishes a heap object guarded by a cache-aware ref (allocated from the pool) and by
 * a plain ref (in the owner's memory). For each ref, an accessor thread acquires protection and
 * hands it to a releaser thread, which moves to another CPU and releases it there. The owner
 * waits for rundown, checks that nobody can acquire any more, and frees the object.
 *
 * Build: see ci/c-example. Exit status 0 and "cross_thread_release: OK" on success.
 */
#define _GNU_SOURCE
#include <pthread.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "rundown.h"

#define CHECK(cond)                                                                  \
    do {                                                                             \
        if (!(cond)) {                                                               \
            fprintf(stderr, "cross_thread_release: check failed at line %d: %s\n",   \
                    __LINE__, #cond);                                                \
            exit(1);                                                                 \
        }                                                                            \
    } while (0)

struct object {
    int value;
};

/* The hand-off between the accessor and the releaser. */
struct handoff {
    pthread_mutex_t lock;
    pthread_cond_t changed;
    int acquired;  /* protections granted and not yet handed back */
    int acquirer_cpu;
    int releaser_cpu;
    pthread_t acquirer_thread;
    pthread_t releaser_thread;
};

struct scenario {
    const char *name;
    BOOLEAN (*acquire)(void *ref, ULONG count);
    void (*release)(void *ref, ULONG count);
    void (*wait)(void *ref);
    void *ref;
    struct object *object;
    struct handoff handoff;
};

static BOOLEAN acquire_cache_aware(void *ref, ULONG count) { return ExAcquireRundownProtectionCacheAwareEx(ref, count); }
static void release_cache_aware(void *ref, ULONG count) { ExReleaseRundownProtectionCacheAwareEx(ref, count); }
static void wait_cache_aware(void *ref) { ExWaitForRundownProtectionReleaseCacheAware(ref); }
static BOOLEAN acquire_plain(void *ref, ULONG count) { return ExAcquireRundownProtectionEx(ref, count); }
static void release_plain(void *ref, ULONG count) { ExReleaseRundownProtectionEx(ref, count); }
static void wait_plain(void *ref) { ExWaitForRundownProtectionRelease(ref); }

static void pin(int cpu) {
    cpu_set_t set;
    CPU_ZERO(&set);
    CPU_SET(cpu, &set);
    (void)sched_setaffinity(0, sizeof set, &set); /* best effort: one CPU machines stay put */
}

static void *accessor(void *arg) {
    struct scenario *s = arg;
    pin(0);
    CHECK(s->acquire(s->ref, 3));
    s->object->value += 1; /* use the object while protected */
    pthread_mutex_lock(&s->handoff.lock);
    s->handoff.acquired = 3;
    s->handoff.acquirer_cpu = sched_getcpu();
    s->handoff.acquirer_thread = pthread_self();
    pthread_cond_broadcast(&s->handoff.changed);
    pthread_mutex_unlock(&s->handoff.lock);
    return NULL;
}

static void *releaser(void *arg) {
    struct scenario *s = arg;
    pthread_mutex_lock(&s->handoff.lock);
    while (s->handoff.acquired == 0) pthread_cond_wait(&s->handoff.changed, &s->handoff.lock);
    pthread_mutex_unlock(&s->handoff.lock);
    long cpus = sysconf(_SC_NPROCESSORS_ONLN);
    pin(cpus > 1 ? 1 : 0); /* another CPU than the acquire's, so another slot */
    s->handoff.releaser_cpu = sched_getcpu();
    s->handoff.releaser_thread = pthread_self();
    s->object->value += 1;
    s->release(s->ref, 1); /* an Ex count released in parts, on another thread */
    s->release(s->ref, 2);
    return NULL;
}

static void run(struct scenario *s) {
    pthread_mutex_init(&s->handoff.lock, NULL);
    pthread_cond_init(&s->handoff.changed, NULL);
    s->object = calloc(1, sizeof *s->object);
    CHECK(s->object != NULL);

    pthread_t a, r;
    CHECK(pthread_create(&r, NULL, releaser, s) == 0);
    CHECK(pthread_create(&a, NULL, accessor, s) == 0);
    CHECK(pthread_join(a, NULL) == 0);
    s->wait(s->ref); /* returns once the releaser has released all three */
    CHECK(!s->acquire(s->ref, 1));
    CHECK(s->object->value == 2);
    free(s->object); /* nobody can touch it any more */
    CHECK(pthread_join(r, NULL) == 0);
    CHECK(!pthread_equal(s->handoff.acquirer_thread, s->handoff.releaser_thread));
    printf("%-12s acquired on CPU %d, released on CPU %d by another thread: OK\n", s->name,
           s->handoff.acquirer_cpu, s->handoff.releaser_cpu);
}

int main(void) {
    /* Cache-aware, allocated from the pool. */
    PEX_RUNDOWN_REF_CACHE_AWARE cache_aware = ExAllocateCacheAwareRundownProtection(NonPagedPoolNx, 'nwdR');
    CHECK(cache_aware != NULL);
    struct scenario a = {.name = "cache-aware", .acquire = acquire_cache_aware, .release = release_cache_aware,
                         .wait = wait_cache_aware, .ref = cache_aware};
    run(&a);
    ExRundownCompletedCacheAware(cache_aware);
    ExWaitForRundownProtectionReleaseCacheAware(cache_aware); /* completed: returns at once */
    ExReInitializeRundownProtectionCacheAware(cache_aware);
    CHECK(ExAcquireRundownProtectionCacheAware(cache_aware));
    ExReleaseRundownProtectionCacheAware(cache_aware);
    ExWaitForRundownProtectionReleaseCacheAware(cache_aware);
    ExFreeCacheAwareRundownProtection(cache_aware);

    /* Cache-aware, in caller memory of exactly SizeOf bytes. */
    SIZE_T size = ExSizeOfRundownProtectionCacheAware();
    void *memory = aligned_alloc(8, (size + 7) & ~(SIZE_T)7);
    CHECK(memory != NULL);
    ExInitializeRundownProtectionCacheAware(memory, size);
    struct scenario b = {.name = "caller-mem", .acquire = acquire_cache_aware, .release = release_cache_aware,
                         .wait = wait_cache_aware, .ref = memory};
    run(&b);
    free(memory); /* caller memory is the caller's to free, never ExFree's */

    /* Plain, in the owner's memory. */
    EX_RUNDOWN_REF plain;
    ExInitializeRundownProtection(&plain);
    struct scenario c = {.name = "plain", .acquire = acquire_plain, .release = release_plain, .wait = wait_plain,
                         .ref = &plain};
    run(&c);
    ExRundownCompleted(&plain);
    ExReInitializeRundownProtection(&plain);
    CHECK(ExAcquireRundownProtection(&plain));
    ExReleaseRundownProtection(&plain);

    printf("cross_thread_release: OK\n");
    return 0;
}
