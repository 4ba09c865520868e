/* SHA-256 (FIPS 180-4) of memory and of files, as lowercase hex. Used for the library hash of
 * a build and the machine fingerprint; small enough to avoid a crypto dependency. Pure code,
 * calls only stdio. */
#ifndef HAKBENCH_SHA256_H
#define HAKBENCH_SHA256_H

#include <stddef.h>
#include <stdint.h>

typedef struct {
    uint32_t h[8];
    uint64_t length;
    unsigned char block[64];
    size_t used;
} sha256_ctx;

void sha256_init(sha256_ctx *c);
void sha256_update(sha256_ctx *c, const void *data, size_t len);
/* Writes 64 hex digits and a NUL into hex. */
void sha256_final_hex(sha256_ctx *c, char hex[65]);

void sha256_hex(const void *data, size_t len, char hex[65]);
/* 0 on success, -1 when the file cannot be read. */
int sha256_file_hex(const char *path, char hex[65]);

#endif
