// Inside the tool shim only: the crash handlers load the executable's symbol table before any
// crash, because loading allocates.
#ifndef RUNDOWN_TOOL_STACK_SYMBOLS_H
#define RUNDOWN_TOOL_STACK_SYMBOLS_H

/// Maps the executable's full symbol table (.symtab) from /proc/self/exe, once; without it
/// (no /proc, a stripped binary) names come from the dynamic symbols only.
void rundown_soak_load_exe_symbols(void);

#endif
