/* C and C++ share the workload headers: the C++ workloads (operator new/delete) include them
 * too. WL_BEGIN_DECLS / WL_END_DECLS give the declarations C linkage, WL_NORETURN spells
 * "does not return" in both languages. Includes nothing. */
#ifndef WL_COMPAT_H
#define WL_COMPAT_H

#ifdef __cplusplus
#define WL_BEGIN_DECLS extern "C" {
#define WL_END_DECLS }
#define WL_NORETURN [[noreturn]]
#else
#define WL_BEGIN_DECLS
#define WL_END_DECLS
#define WL_NORETURN _Noreturn
#endif

#endif
