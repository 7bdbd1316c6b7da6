/* lzma_crc32.c: popinit's CRC-32 (lib/crc32.c: slicing by eight, tables
 * built at the first call), linked into liblzma under its name
 * lzma_crc32().  Not code from xz-utils: liblzma itself still comes from
 * Debian's source.
 *
 * boot/deps.sh puts it in liblzma.a in place of crc32_small.o.  xz's
 * --enable-small (kept: the decoder is 24 KB smaller) computes the CRC32
 * of every decoded byte one byte at a time, which was a fifth of an xz
 * unpack; the non-small build carries 8 KB of CRC32 tables (and 8 KB of
 * CRC64) in the file.  popinit's own link takes lib/crc32.o, which
 * defines the same names (and zlib's crc32()), so this member is not
 * pulled in; other links of liblzma.a (the cross unit tests, the decode
 * bound) take it.
 */
#define CRC32_NOT_ZLIB	/* a link with libz.a has zlib's own */
#include "../lib/crc32.c"
