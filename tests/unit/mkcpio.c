/* mkcpio.c: see mkcpio.h */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mkcpio.h"

static void
reserve(struct mk_buf *b, size_t n)
{
	if (b->len + n <= b->cap)
		return;
	size_t cap = b->cap ? b->cap : 1024;
	while (cap < b->len + n)
		cap *= 2;
	uint8_t *p = realloc(b->p, cap);
	if (!p)
		abort();
	b->p = p;
	b->cap = cap;
}

void
mk_bytes(struct mk_buf *b, const void *p, size_t n)
{
	reserve(b, n);
	if (n)
		memcpy(b->p + b->len, p, n);
	b->len += n;
}

void
mk_fill(struct mk_buf *b, uint8_t byte, size_t n)
{
	reserve(b, n);
	memset(b->p + b->len, byte, n);
	b->len += n;
}

void
mk_align(struct mk_buf *b, size_t n)
{
	mk_fill(b, 0, (n - b->len % n) % n);
}

void
mk_free(struct mk_buf *b)
{
	free(b->p);
	memset(b, 0, sizeof *b);
}

void
mk_add(struct mk_buf *b, const struct mk_entry *e)
{
	const char *name = e->name ? e->name : "";
	const uint8_t *data = e->data;
	size_t datalen = e->datalen ? e->datalen : data ? strlen((const char *)data) : 0;
	size_t namelen = e->namelen ? e->namelen : strlen(name);
	uint32_t namesize = (e->flags & MK_NAMESIZE) ? e->namesize : (uint32_t)namelen + 1;
	uint32_t filesize = (e->flags & MK_FILESIZE) ? e->filesize : (uint32_t)datalen;
	uint32_t check = e->check;

	if (e->flags & MK_CSUM) {
		check = 0;
		for (size_t i = 0; i < datalen && i < filesize; i++)
			check += data[i];
	}
	const uint32_t f[13] = { e->ino, e->mode, e->uid, e->gid, e->nlink, e->mtime, filesize,
				 e->devmajor, e->devminor, e->rdevmajor, e->rdevminor, namesize, check };
	char hdr[6 + 13 * 8 + 1];

	memcpy(hdr, e->magic ? e->magic : "070701", 6);
	for (int i = 0; i < 13; i++) {
		char *at = hdr + 6 + 8 * i;
		if (e->raw[i]) {
			memcpy(at, e->raw[i], 8);
		} else if ((e->flags & MK_OX) && (i == 2 || i == 11)) {
			snprintf(at, 9, "0x%06x", (unsigned)f[i]);
		} else if ((e->flags & MK_OX) && i == 3) {
			snprintf(at, 9, "0X%06x", (unsigned)f[i]);
		} else {
			snprintf(at, 9, (e->flags & MK_UPPER) ? "%08X" : "%08x", (unsigned)f[i]);
		}
	}
	mk_bytes(b, hdr, 110);

	/* name: N_ALIGN(namesize) bytes */
	size_t region = (((size_t)namesize + 1) & ~(size_t)3) + 2;
	size_t n = namelen < region ? namelen : region;
	mk_bytes(b, name, n);
	for (size_t i = n; i < region; i++)
		mk_fill(b, i < namesize ? 0 : e->namepad, 1);

	/* data: filesize bytes, then padding to 4 */
	size_t d = datalen < filesize ? datalen : filesize;
	mk_bytes(b, data, d);
	mk_fill(b, 0, filesize - d);
	if (!(e->flags & MK_NOPAD))
		mk_fill(b, e->datapad, (4 - b->len % 4) % 4);
}

void
mk_trailer(struct mk_buf *b)
{
	mk_add(b, &(struct mk_entry){ .nlink = 1, .name = "TRAILER!!!" });
}
