#include <zlib.h>

/* inflateInit2 is a macro, which Swift cannot call. */
static inline int ticketlens_inflate_init_gzip(z_stream *s) {
  return inflateInit2(s, 16 + MAX_WBITS);
}
