/* modfile.c: module files: decompressing them with popinit's own decoders
 * (xz, gzip, zstd), reading their .modinfo section, and finit_module(2).
 *
 *   ELF header: e_shoff (section headers), e_shnum, e_shstrndx
 *   section ".modinfo": "key=value\0" records: name=, depends=a,b, alias=
 */
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "../codec/decomp.h"
#include "../lib/io.h"
#include "moddb.h"

#define MODULE_INIT_COMPRESSED_FILE 4

struct growbuf {
	char *p;
	size_t len, cap;
	int fd;		/* >= 0: write there instead */
};

static int
sink(void *ctx, const uint8_t *buf, size_t len)
{
	struct growbuf *g = ctx;

	if (g->fd >= 0)
		return io_write_full(g->fd, buf, len);
	if (g->len + len + 1 > g->cap) {
		size_t cap = g->cap ? g->cap : 1 << 20;
		while (cap < g->len + len + 1)
			cap *= 2;
		char *p = realloc(g->p, cap);
		if (!p)
			return -ENOMEM;
		g->p = p;
		g->cap = cap;
	}
	memcpy(g->p + g->len, buf, len);
	g->len += len;
	return 0;
}

/* decompress the file FD with CODEC into G; 0 or -errno */
static int
decompress(int fd, const struct dec_codec *codec, struct growbuf *g)
{
	struct dec d;
	uint8_t in[64 * 1024];
	int r;

	if (!codec->ops)
		return -EOPNOTSUPP;	/* popinit built without it */
	if (dec_start(&d, codec, sink, g) < 0) {
		dec_end(&d);
		return -ENOMEM;
	}
	for (;;) {
		ssize_t n = io_read_full(fd, in, sizeof in);
		if (n < 0) {
			r = (int)n;
			break;
		}
		if (n == 0) {
			r = dec_finish(&d) == DEC_END ? 0 : -EBADMSG;
			break;
		}
		size_t used;
		r = dec_push(&d, in, (size_t)n, &used);
		if (r == DEC_FAIL) {
			r = -EBADMSG;
			break;
		}
		if (r == DEC_END) {
			r = 0;
			break;
		}
	}
	dec_end(&d);
	return r;
}

int
mod_read_file(const char *path, char **buf, size_t *len)
{
	const struct dec_codec *codec = dec_by_suffix(path, true, NULL);
	struct growbuf g = { NULL, 0, 0, -1 };
	int r;

	if (!codec)
		return io_slurp(path, SIZE_MAX, buf, len);
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	r = decompress(fd, codec, &g);
	(void)io_close(fd);
	if (r < 0) {
		free(g.p);
		return r;
	}
	*buf = g.p;
	*len = g.len;
	return 0;
}

static uint64_t
rd(const uint8_t *p, int size, bool le)
{
	uint64_t v = 0;

	for (int i = 0; i < size; i++)
		v |= (uint64_t)p[le ? i : size - 1 - i] << (8 * i);
	return v;
}

char *
modinfo_read(const char *path, size_t *len)
{
	char *img;
	size_t n;

	if (mod_read_file(path, &img, &n) < 0)
		return NULL;
	const uint8_t *e = (const uint8_t *)img;
	char *out = NULL;
	if (n < 64 || memcmp(e, "\177ELF", 4) || (e[4] != 1 && e[4] != 2))
		goto done;
	bool is64 = e[4] == 2, le = e[5] == 1;
	int w = is64 ? 8 : 4;
	uint64_t shoff = rd(e + (is64 ? 40 : 32), w, le);
	unsigned shentsize = (unsigned)rd(e + (is64 ? 58 : 46), 2, le);
	unsigned shnum = (unsigned)rd(e + (is64 ? 60 : 48), 2, le);
	unsigned shstrndx = (unsigned)rd(e + (is64 ? 62 : 50), 2, le);
	if (shoff > n || shentsize < (is64 ? 64u : 40u) || shstrndx >= shnum ||
	    (uint64_t)shnum * shentsize > n - shoff)
		goto done;
	const uint8_t *sh = e + shoff, *strh = sh + (size_t)shstrndx * shentsize;
	uint64_t stroff = rd(strh + (is64 ? 24 : 16), w, le), strsize = rd(strh + (is64 ? 32 : 20), w, le);
	if (stroff > n || strsize > n - stroff)
		goto done;
	for (unsigned i = 0; i < shnum; i++) {
		const uint8_t *s = sh + (size_t)i * shentsize;
		uint64_t name = rd(s, 4, le);
		uint64_t off = rd(s + (is64 ? 24 : 16), w, le), size = rd(s + (is64 ? 32 : 20), w, le);
		if (name >= strsize || strncmp(img + stroff + name, ".modinfo", strsize - name) ||
		    off > n || size > n - off)
			continue;
		out = malloc((size_t)size + 1);
		if (out) {
			memcpy(out, img + off, (size_t)size);
			out[size] = '\0';
			*len = (size_t)size;
		}
		break;
	}
done:
	free(img);
	return out;
}

/* /sys/module/compression names the kernel's own module decompressor */
static bool
kernel_decompresses(const char *codec)
{
	char buf[16];

	if (io_read_text("/sys/module/compression", buf, sizeof buf) <= 0)
		return false;
	buf[strcspn(buf, "\n")] = '\0';
	return !strcmp(buf, codec);
}

int
mod_finit(const char *path, const char *options)
{
	const struct dec_codec *codec = dec_by_suffix(path, true, NULL);
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	int flags = 0, r;

	if (fd < 0)
		return -errno;
	if (codec && kernel_decompresses(codec->name)) {
		flags = MODULE_INIT_COMPRESSED_FILE;
	} else if (codec) {
		/* decompressed into a memfd, sealed before the kernel reads
		 * it (what finit_module is given cannot change once checked),
		 * and loaded from there: still a file, as LoadPin wants */
		int mfd = io_memfd("popinit-module");
		if (mfd < 0) {
			(void)io_close(fd);
			return mfd;
		}
		struct growbuf g = { NULL, 0, 0, mfd };
		r = decompress(fd, codec, &g);
		(void)io_close(fd);
		fd = mfd;
		if (r == 0)
			r = io_seal(fd);
		if (r < 0) {
			(void)io_close(fd);
			return r;
		}
	}
	do
		r = (int)syscall(SYS_finit_module, fd, options ? options : "", flags);
	while (r < 0 && errno == EINTR);
	r = r < 0 ? -errno : 0;
	(void)io_close(fd);
	return r;
}

const char *
mod_why(int err)
{
	switch (-err) {
	case ENOENT: return "a dependency is missing (unknown symbol)";
	case EKEYREJECTED: return "its signature was rejected";
	case ENOKEY: return "it is signed with an unknown key";
	case ENOEXEC: return "it is not a module for this kernel";
	case EPERM: return "loading is disabled, or the module is blacklisted by the kernel";
	case ENODEV: return "no device for it";
	case EINVAL: return "a bad parameter, or a bad module";
	case EOPNOTSUPP: return "its compression is not supported";
	case EBADMSG: return "its compressed data is corrupt";
	case EBUSY: return "the module it needs is still starting";
	default: return "the kernel refused it";
	}
}
