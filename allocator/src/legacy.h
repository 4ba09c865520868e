/* legacy.h: the deliberately simple tiny path (BOX_REFACTOR_DEFAULT=0): per class, one lock,
 * one current slab and a list of slabs with free blocks. No thread cache, no remote lists, no
 * ownership: every tiny malloc and free takes its class lock. It is the correctness reference
 * and the A/B baseline for the layered path. Owns the per-class locked slab sets.
 * Calls slab.h and superslab.h. */
#ifndef HAKMEM_LEGACY_H
#define HAKMEM_LEGACY_H

#include "slab.h"

void *hak_legacy_alloc(unsigned cls);
/* p: a block in a SuperSlab; true when it belongs to a legacy slab. */
bool hak_legacy_owns(const void *p);
void hak_legacy_free(void *p);

void hak_legacy_fork_prepare(void);
void hak_legacy_fork_release(void);

#endif
