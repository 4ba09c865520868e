/* Files and folders the harness makes and reads whole: folders made like `mkdir -p`, and a file
 * read into one string. */
#ifndef HAKBENCH_UTIL_FILES_H
#define HAKBENCH_UTIL_FILES_H

/* Makes path and the folders leading to it (those that exist are fine). 0, or -1 with errno. */
int files_mkdir_p(const char *path);
/* Makes the folders leading to the file path (its dirname, like mkdir -p). 0 or -1. */
int files_mkdir_parents(const char *path);
/* The whole file as a NUL-terminated string (malloc'ed), NULL when it cannot be read. */
char *files_read(const char *path);

#endif
