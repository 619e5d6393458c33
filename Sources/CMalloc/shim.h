/* The C library's allocator controls (glibc's malloc_trim: freed memory back to the system;
   mallopt: the threshold above which blocks get pages of their own). */
#if defined(__GLIBC__) || defined(__linux__)
#include <malloc.h>
#endif
