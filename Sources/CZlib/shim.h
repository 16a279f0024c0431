#include <zlib.h>

// deflateInit2 and inflateInit2 are macros, which Swift cannot call: wrap them.
static inline int czlib_deflate_init_gzip(z_streamp stream, int level) {
    // windowBits 15 + 16 asks zlib for a gzip header and trailer (RFC 1952).
    return deflateInit2(stream, level, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY);
}

static inline int czlib_inflate_init_gzip(z_streamp stream) {
    // windowBits 15 + 16: gzip only; zlib checks the header, CRC32 and length.
    return inflateInit2(stream, 15 + 16);
}
