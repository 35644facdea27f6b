// rundown.h: the Windows rundown-protection routines, in user space on Linux.
//
// The nineteen routines of EX_RUNDOWN_REF and EX_RUNDOWN_REF_CACHE_AWARE under their exact
// Windows names, implemented by the Rundown library (link with -lRundownShared).
// Behaviour: docs/semantics.md in the project (every routine in every state, every misuse and
// its message), restated from the Windows contract.
//
// Misuse (release without acquire, a second waiter, use after free, ...) stops the process
// with a message naming the routine, the ref and what was wrong. Set RUNDOWN_CHECKED=1 in the
// environment to turn on the full checked mode in a release build.
#ifndef RUNDOWN_H
#define RUNDOWN_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

// Nullability, for clang (other compilers see plain pointers): every ref a routine takes is
// non-null, as in Windows (the declarations below lie in an assume_nonnull region); only
// Allocate's result and the word of a plain ref may be NULL. The Swift exports are compiled
// against these declarations, so the two cannot drift apart.
#if defined(__clang__)
#pragma clang diagnostic push
#pragma clang diagnostic ignored "-Wnullability-extension"
#define RUNDOWN_NULLABLE _Nullable
#else
#define RUNDOWN_NULLABLE
#endif

typedef unsigned char BOOLEAN;
typedef uint32_t ULONG;
typedef size_t SIZE_T;

#ifndef TRUE
#define TRUE 1
#endif
#ifndef FALSE
#define FALSE 0
#endif

/// The Windows pool types Allocate accepts. In user space the pool type only has to be
/// valid; every allocation is accounted to its pool tag.
typedef enum _POOL_TYPE {
    NonPagedPool = 0,
    NonPagedPoolExecute = NonPagedPool,
    PagedPool = 1,
    NonPagedPoolMustSucceed = 2,
    NonPagedPoolCacheAligned = 4,
    PagedPoolCacheAligned = 5,
    NonPagedPoolCacheAlignedMustS = 6,
    NonPagedPoolSession = 32,
    PagedPoolSession = 33,
    NonPagedPoolNx = 512,
    NonPagedPoolNxCacheAligned = 516,
    NonPagedPoolSessionNx = 544,
} POOL_TYPE;

/// The plain rundown reference: one pointer-sized word in the caller's memory.
typedef struct _EX_RUNDOWN_REF {
    void *RUNDOWN_NULLABLE Ptr;
} EX_RUNDOWN_REF, *PEX_RUNDOWN_REF;

/// The cache-aware rundown reference: opaque, either allocated by
/// ExAllocateCacheAwareRundownProtection or initialised in caller memory of
/// ExSizeOfRundownProtectionCacheAware() bytes (aligned to 8 bytes).
typedef struct _EX_RUNDOWN_REF_CACHE_AWARE *PEX_RUNDOWN_REF_CACHE_AWARE;

#if defined(__clang__)
#pragma clang assume_nonnull begin
#endif

// --- plain reference -----------------------------------------------------------------------
void ExInitializeRundownProtection(PEX_RUNDOWN_REF RunRef);
void ExReInitializeRundownProtection(PEX_RUNDOWN_REF RunRef);
BOOLEAN ExAcquireRundownProtection(PEX_RUNDOWN_REF RunRef);
BOOLEAN ExAcquireRundownProtectionEx(PEX_RUNDOWN_REF RunRef, ULONG Count);
void ExReleaseRundownProtection(PEX_RUNDOWN_REF RunRef);
void ExReleaseRundownProtectionEx(PEX_RUNDOWN_REF RunRef, ULONG Count);
void ExWaitForRundownProtectionRelease(PEX_RUNDOWN_REF RunRef);
void ExRundownCompleted(PEX_RUNDOWN_REF RunRef);

// --- cache-aware reference -----------------------------------------------------------------
PEX_RUNDOWN_REF_CACHE_AWARE RUNDOWN_NULLABLE ExAllocateCacheAwareRundownProtection(POOL_TYPE PoolType,
                                                                                 ULONG PoolTag);
void ExFreeCacheAwareRundownProtection(PEX_RUNDOWN_REF_CACHE_AWARE RunRefCacheAware);
SIZE_T ExSizeOfRundownProtectionCacheAware(void);
void ExInitializeRundownProtectionCacheAware(PEX_RUNDOWN_REF_CACHE_AWARE RunRefCacheAware,
                                             SIZE_T RunRefSize);
BOOLEAN ExAcquireRundownProtectionCacheAware(PEX_RUNDOWN_REF_CACHE_AWARE RunRefCacheAware);
BOOLEAN ExAcquireRundownProtectionCacheAwareEx(PEX_RUNDOWN_REF_CACHE_AWARE RunRefCacheAware,
                                               ULONG Count);
void ExReleaseRundownProtectionCacheAware(PEX_RUNDOWN_REF_CACHE_AWARE RunRefCacheAware);
void ExReleaseRundownProtectionCacheAwareEx(PEX_RUNDOWN_REF_CACHE_AWARE RunRefCacheAware,
                                            ULONG Count);
void ExWaitForRundownProtectionReleaseCacheAware(PEX_RUNDOWN_REF_CACHE_AWARE RunRefCacheAware);
void ExRundownCompletedCacheAware(PEX_RUNDOWN_REF_CACHE_AWARE RunRefCacheAware);
void ExReInitializeRundownProtectionCacheAware(PEX_RUNDOWN_REF_CACHE_AWARE RunRefCacheAware);

#if defined(__clang__)
#pragma clang assume_nonnull end
#pragma clang diagnostic pop
#endif

#ifdef __cplusplus
}
#endif

#endif
