/* Which allocator a test binary runs on: the check that hakmem is really the one in use, and
 * the re-execution under LD_PRELOAD for the preload flavor (see t_alloc.h). */
#include <dlfcn.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "t_alloc.h"

int t_fn_outside_libc(const void *fn)
{
    Dl_info info;
    if (dladdr(fn, &info) == 0 || info.dli_fname == NULL) return 0;
    return strstr(info.dli_fname, "libc.so") == NULL;
}

int t_hakmem_is_active(void)
{
    void *(*volatile m)(size_t) = malloc;
    return t_fn_outside_libc((const void *)m);
}

void t_preload_self(char **argv)
{
#ifdef T_PRELOAD_LIB
    const char *current = getenv("LD_PRELOAD");
    if (current != NULL && strcmp(current, T_PRELOAD_LIB) == 0) return;
    setenv("LD_PRELOAD", T_PRELOAD_LIB, 1);
    execv("/proc/self/exe", argv);
    fprintf(stderr, "cannot re-execute %s under LD_PRELOAD=%s: %s\n", argv[0], T_PRELOAD_LIB,
            strerror(errno));
    exit(2);
#else
    (void)argv;
#endif
}
