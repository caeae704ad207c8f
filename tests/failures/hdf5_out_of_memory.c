/* Preloaded into roofspan by tests/failures/check_failures.py: on the MPI
 * rank named by ROOFSPAN_H5_OOM_RANK, every allocation larger than 64 bytes
 * made inside HDF5's H5Dwrite fails, as when that rank runs out of memory in
 * the middle of the collective write of the HDF5 series. (No HDF5 header:
 * hid_t and herr_t as HDF5 1.10 defines them.) */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef int64_t hid_t;
typedef int     herr_t;

extern void *__libc_malloc(size_t);
extern void *__libc_calloc(size_t, size_t);
extern void *__libc_realloc(void *, size_t);

static __thread int inside_write = 0;

static int this_rank_fails(void)
{
  const char *chosen = getenv("ROOFSPAN_H5_OOM_RANK");
  const char *rank   = getenv("OMPI_COMM_WORLD_RANK");
  return chosen != NULL && rank != NULL && strcmp(chosen, rank) == 0;
}

herr_t H5Dwrite(hid_t dataset, hid_t memory_type, hid_t memory_space, hid_t file_space,
                hid_t properties, const void *buffer)
{
  herr_t (*real)(hid_t, hid_t, hid_t, hid_t, hid_t, const void *) =
    (herr_t(*)(hid_t, hid_t, hid_t, hid_t, hid_t, const void *))dlsym(RTLD_NEXT, "H5Dwrite");
  inside_write = this_rank_fails();
  const herr_t result = real(dataset, memory_type, memory_space, file_space, properties, buffer);
  inside_write = 0;
  return result;
}

void *malloc(size_t n)
{
  return inside_write && n > 64 ? NULL : __libc_malloc(n);
}

void *calloc(size_t count, size_t size)
{
  return inside_write && count * size > 64 ? NULL : __libc_calloc(count, size);
}

void *realloc(void *p, size_t n)
{
  return inside_write && n > 64 ? NULL : __libc_realloc(p, n);
}
