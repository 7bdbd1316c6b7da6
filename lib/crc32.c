/* crc32.c: see crc32.h.  Slicing by eight, tables (8 KB of .bss) built at
 * the first call, in about 20 us.  Callers may run in several threads
 * (modules decompressed on the loader's pool): the tables are complete
 * before the flag says so, and two first calls build the same values. */
#include "crc32.h"

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

/* in the group of the libraries' hot code (boot/layout.sh lays its loop in
 * one page): every byte of a gzip or xz image passes here */
__attribute__((section(".text.hot.crc32_update"))) uint32_t
crc32_update(uint32_t crc, const void *data, size_t size)
{
	const uint8_t *buf = data;

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

/* liblzma's name for it: popinit's link resolves liblzma's calls here
 * (boot/lzma_crc32.c builds this file into liblzma.a for other links) */
uint32_t
lzma_crc32(const uint8_t *buf, size_t size, uint32_t crc)
{
	return crc32_update(crc, buf, size);
}

#ifndef CRC32_NOT_ZLIB
/* zlib's (uLong crc32(uLong crc, const Bytef *buf, uInt len), 0 for a NULL
 * BUF): popinit's link takes this one for inflate and the gzip trailer,
 * and leaves out zlib's crc32.o, 10 KB of tables */
unsigned long crc32(unsigned long crc, const unsigned char *buf, unsigned len);

unsigned long
crc32(unsigned long crc, const unsigned char *buf, unsigned len)
{
	return buf ? crc32_update((uint32_t)crc, buf, len) : 0;
}
#endif
