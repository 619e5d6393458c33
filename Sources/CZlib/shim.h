#include <zlib.h>

/* inflateInit2 is a macro, which Swift cannot call. */
static inline int ticketlens_inflate_init_gzip(z_stream *s) {
  return inflateInit2(s, 16 + MAX_WBITS);
}

/* deflateInit2 is a macro too: a gzip stream (header and CRC) at the given level. */
static inline int ticketlens_deflate_init_gzip(z_stream *s, int level) {
  return deflateInit2(s, level, Z_DEFLATED, 16 + MAX_WBITS, 8, Z_DEFAULT_STRATEGY);
}
