/* crc32.h: the CRC-32 of zlib, gzip, xz and GPT (reflected, polynomial
 * 0xedb88320), the one of the tree: GPT headers and tables need it whatever
 * codecs a build leaves out, and popinit's link gives it to zlib as its
 * crc32() and to liblzma as its lzma_crc32() (boot/lzma_crc32.c). */
#ifndef POPINIT_CRC32_H
#define POPINIT_CRC32_H

#include <stddef.h>
#include <stdint.h>

/* crc32_update: CRC continued over LEN bytes of BUF; start from 0 */
uint32_t crc32_update(uint32_t crc, const void *buf, size_t len);

#endif
