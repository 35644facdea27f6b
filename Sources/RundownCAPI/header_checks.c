// Compile-time facts about rundown.h that the Swift implementation relies on.
#include "rundown.h"

_Static_assert(sizeof(EX_RUNDOWN_REF) == sizeof(uintptr_t), "EX_RUNDOWN_REF is one pointer-sized word");
_Static_assert(sizeof(BOOLEAN) == 1, "BOOLEAN is one byte");
_Static_assert(sizeof(ULONG) == 4, "ULONG is 32 bits");
_Static_assert(sizeof(POOL_TYPE) == sizeof(int), "POOL_TYPE is passed as a C int");
