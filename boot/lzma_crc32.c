/* lzma_crc32.c: popinit's own CRC-32 (slicing by eight, tables built at
 * the first call), linked into liblzma under its name lzma_crc32().  Not
 * code from xz-utils: liblzma itself still comes from Debian's source.
 *
 * boot/deps.sh puts it in liblzma.a in place of crc32_small.o.  xz's
 * --enable-small (kept: the decoder is 24 KB smaller) computes the CRC32
 * of every decoded byte one byte at a time, which was a fifth of an xz
 * unpack; the non-small build carries 8 KB of CRC32 tables (and 8 KB of
 * CRC64) in the file.  These tables are 8 KB of .bss, built in about 20 us.
 *
 * The decoder is its only caller (liblzma is built without encoders,
 * whose hash uses lzma_crc32_table) and runs in one thread; the tables
 * are built before the flag says so.
 */
#include <stddef.h>
#include <stdint.h>

uint32_t lzma_crc32(const uint8_t *buf, size_t size, uint32_t crc);

static uint32_t table[8][256];
static volatile int ready;

static void
init(void)
{
	for (uint32_t b = 0; b < 256; b++) {
		uint32_t r = b;
		for (int i = 0; i < 8; i++)
			r = r >> 1 ^ (0xedb88320u & -(r & 1));
		table[0][b] = r;
	}
	for (int k = 1; k < 8; k++)
		for (int b = 0; b < 256; b++)
			table[k][b] = table[k - 1][b] >> 8 ^ table[0][table[k - 1][b] & 0xff];
	__atomic_store_n(&ready, 1, __ATOMIC_RELEASE);
}

uint32_t
lzma_crc32(const uint8_t *buf, size_t size, uint32_t crc)
{
	if (!__atomic_load_n(&ready, __ATOMIC_ACQUIRE))
		init();
	crc = ~crc;
	for (; size && ((uintptr_t)buf & 7); size--)
		crc = table[0][(crc ^ *buf++) & 0xff] ^ crc >> 8;
	for (; size >= 8; size -= 8, buf += 8) {
		/* byte by byte, so any endianness (one load each on x86) */
		uint32_t lo = (buf[0] | buf[1] << 8 | buf[2] << 16 | (uint32_t)buf[3] << 24) ^ crc;
		uint32_t hi = buf[4] | buf[5] << 8 | buf[6] << 16 | (uint32_t)buf[7] << 24;
		crc = table[7][lo & 0xff] ^ table[6][lo >> 8 & 0xff] ^ table[5][lo >> 16 & 0xff] ^
		      table[4][lo >> 24] ^ table[3][hi & 0xff] ^ table[2][hi >> 8 & 0xff] ^
		      table[1][hi >> 16 & 0xff] ^ table[0][hi >> 24];
	}
	while (size--)
		crc = table[0][(crc ^ *buf++) & 0xff] ^ crc >> 8;
	return ~crc;
}
