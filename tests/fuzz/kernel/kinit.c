/* kinit.c: unpack_to_rootfs() of init/initramfs.c (Linux 6.1) as a
 * userspace function, kernel_unpack(), with every filesystem call it makes
 * written down as a line of text, and succeeding (no file exists before,
 * every create works).  run.sh builds it with the kernel's own decoders
 * (lib/decompress_*.c, lib/xz, lib/zstd, lib/zlib_inflate) into kor.o,
 * which exports kernel_unpack() alone.
 *
 * Where run.sh changes the kernel's code (marked ORACLE in the copies):
 * - B19: after a skipped entry the kernel goes on in a stale next_state;
 *   popinit, by design, in Reset: so does this copy;
 * - where the kernel would read or write outside its buffers (a gzip
 *   trailer cut short, an lz4 block longer than what is left, a bzip2
 *   run count that overflows into a wild write, an lzma match distance
 *   past a window smaller than the dictionary), kor_ub is set and the
 *   record means nothing.
 * The image is followed by 1 MiB of zeros, as a page-padded initrd is. */
#define CONFIG_INITRAMFS_PRESERVE_MTIME 1
#include <fcntl.h>
#include <stdarg.h>
#include <sys/stat.h>

#include "kshim.h"

/* ---- the record ---- */
static char *rec;
static size_t rec_len, rec_cap;
/* the output cap (tests/fuzz/fuzz.h, the same rule as fuzz_diff.c's
 * popinit side): once the data written and the record weigh more than
 * kor_cap, "capped" ends the record and flush_buffer() refuses (ORACLE) */
unsigned long long kor_cap, kor_data;
int kor_capped;
static void
capped_if_over(void)
{
	if (!kor_capped && kor_data + 4ull * rec_len >= kor_cap) {
		kor_capped = 1;
		memcpy(rec + rec_len, "capped\n", 8);	/* room: see out() */
		rec_len += 7;
	}
}
static void
out(const char *fmt, ...)
{
	va_list ap;
	char small[600];
	if (kor_capped)
		return;
	va_start(ap, fmt);
	int n = vsnprintf(small, sizeof small, fmt, ap);
	va_end(ap);
	if (n >= (int)sizeof small)
		n = sizeof small - 1;
	if (rec_len + n + 8 > rec_cap) {
		rec_cap = (rec_len + n + 8) * 2;
		rec = realloc(rec, rec_cap);
	}
	memcpy(rec + rec_len, small, n + 1);
	rec_len += n;
	if (n && small[n - 1] == '\n')
		capped_if_over();
}
static void
qname(const char *tag, const char *s)
{
	char buf[4200 * 4 + 4];
	size_t j = 0;
	for (size_t i = 0; s[i] && i < 4200; i++) {
		unsigned char c = s[i];
		if (c >= 0x20 && c < 0x7f && c != '"' && c != '\\')
			buf[j++] = c;
		else
			j += sprintf(buf + j, "\\x%02x", c);
	}
	buf[j] = 0;
	/* names can be long: write in pieces */
	out("%s\"", tag);
	for (size_t k = 0; k < j; k += 500)
		out("%.500s", buf + k);
	out("\"");
}

/* ---- kernel bits initramfs.c uses ---- */
#define loff_t long long
#define show_mem(a, b) do { } while (0)
#define panic(...) do { fprintf(stderr, __VA_ARGS__); abort(); } while (0)
#define pr_err(...) do { } while (0)
#define pr_debug(...) do { } while (0)
#define pr_warn_once(...) do { } while (0)
#define printk(...) do { } while (0)
#ifndef PATH_MAX
#define PATH_MAX 4096
#endif
#define strscpy(d, s, n) (strncpy((d), (s), (n)), (d)[(n) - 1] = 0)
#define MINORBITS 20
#define MKDEV(ma, mi) (((ma) << MINORBITS) | (mi))
#define MAJOR(dev) ((unsigned int)((dev) >> MINORBITS))
#define MINOR(dev) ((unsigned int)((dev) & ((1U << MINORBITS) - 1)))
static inline u32 new_encode_dev(u32 dev)
{
	unsigned major = MAJOR(dev), minor = MINOR(dev);
	return (minor & 0xff) | (major << 8) | ((minor & ~0xff) << 12);
}

/* simple_strtoul as lib/vsprintf.c 6.1 (base 16 only used) */
static unsigned long
simple_strtoul(const char *cp, char **endp, unsigned int base)
{
	unsigned long long r = 0;
	(void)base;
	if (cp[0] == '0' && (cp[1] == 'x' || cp[1] == 'X'))
		cp += 2;
	for (;; cp++) {
		int d;
		if (*cp >= '0' && *cp <= '9') d = *cp - '0';
		else if (*cp >= 'a' && *cp <= 'f') d = *cp - 'a' + 10;
		else if (*cp >= 'A' && *cp <= 'F') d = *cp - 'A' + 10;
		else break;
		r = r * 16 + d;
	}
	if (endp)
		*endp = (char *)cp;
	return r;
}

/* list.h */
struct list_head { struct list_head *next, *prev; };
#define LIST_HEAD(n) struct list_head n = { &(n), &(n) }
#define INIT_LIST_HEAD(l) ((l)->next = (l)->prev = (l))
static inline void list_add(struct list_head *n, struct list_head *h)
{ n->next = h->next; n->prev = h; h->next->prev = n; h->next = n; }
static inline void list_del(struct list_head *e)
{ e->prev->next = e->next; e->next->prev = e->prev; }
#define container_of(p, t, m) ((t *)((char *)(p) - offsetof(t, m)))
#define list_entry(p, t, m) container_of(p, t, m)
#define list_for_each_entry_safe(pos, n, head, member) \
	for (pos = list_entry((head)->next, __typeof__(*pos), member), \
	     n = list_entry(pos->member.next, __typeof__(*pos), member); \
	     &pos->member != (head); pos = n, n = list_entry(n->member.next, __typeof__(*n), member))

/* files */
struct path { int dummy; };
struct file { struct path f_path; char name[4200]; u64 bytes, hash; };
struct kstat { umode_t mode; };
struct timespec64 { time64_t tv_sec; long tv_nsec; };
#define IS_ERR(p) ((p) == NULL)
/* the file the kernel leaves open when the archive ends inside it */
static struct file *open_file;
static struct file *
filp_open(const char *name, int flags, umode_t mode)
{
	struct file *f = calloc(1, sizeof *f);
	snprintf(f->name, sizeof f->name, "%s", name);
	f->hash = 0xcbf29ce484222325ull;
	open_file = f;
	qname("open ", name);
	out(" trunc=%d mode=0%o\n", !!(flags & O_TRUNC), mode);
	return f;
}
static ssize_t
kernel_write(struct file *f, const void *p, size_t n, loff_t *pos)
{
	const unsigned char *b = p;
	/* up to the cap, exactly (the pieces are the kernel's own) */
	size_t k = n;
	if (!kor_capped && kor_data + 4ull * rec_len + k > kor_cap)
		k = (size_t)(kor_cap - kor_data - 4ull * rec_len);
	for (size_t i = 0; i < k; i++)
		f->hash = (f->hash ^ b[i]) * 0x100000001b3ull;
	f->bytes += n;
	kor_data += k;
	capped_if_over();
	*pos += n;
	return n;
}
static void
fput(struct file *f)
{
	out("close bytes=%llu fnv=%016llx\n", (unsigned long long)f->bytes, (unsigned long long)f->hash);
	free(f);
	open_file = NULL;
}
static int vfs_fchown(struct file *f, uid_t u, gid_t g) { (void)f; out("fchown %u %u\n", u, g); return 0; }
static int vfs_fchmod(struct file *f, umode_t m) { (void)f; out("fchmod 0%o\n", m); return 0; }
static int vfs_truncate(const struct path *p, loff_t l) { (void)p; out("truncate %lld\n", l); return 0; }
static int vfs_utimes(const struct path *p, struct timespec64 *t) { (void)p; out("futime %lld\n", t[1].tv_sec); return 0; }
static int init_stat(const char *n, struct kstat *st, int fl) { (void)n; (void)st; (void)fl; return -ENOENT; }
static int init_rmdir(const char *n) { qname("rmdir ", n); out("\n"); return 0; }
static int init_unlink(const char *n) { qname("unlink ", n); out("\n"); return 0; }
static int init_link(const char *o, const char *n) { qname("link ", o); qname(" ", n); out("\n"); return 0; }
static int init_mkdir(const char *n, umode_t m) { qname("mkdir ", n); out(" 0%o\n", m); return 0; }
static int init_chown(const char *n, uid_t u, gid_t g, int fl) { qname("chown ", n); out(" %u %u %d\n", u, g, !!fl); return 0; }
static int init_chmod(const char *n, umode_t m) { qname("chmod ", n); out(" 0%o\n", m); return 0; }
static int init_mknod(const char *n, umode_t m, unsigned d) { qname("mknod ", n); out(" 0%o 0x%x\n", m, d); return 0; }
static int init_symlink(const char *t, const char *n) { qname("symlink ", t); qname(" ", n); out("\n"); return 0; }
static int init_utimes(char *n, struct timespec64 *t) { qname("utime ", n); out(" %lld\n", t[1].tv_sec); return 0; }

/* the decoders, lib/decompress_*.c */
#include <linux/decompress/generic.h>
int gunzip(unsigned char *, long, long (*)(void*, unsigned long), long (*)(void*, unsigned long), unsigned char *, long *, void(*)(char *));
int bunzip2(unsigned char *, long, long (*)(void*, unsigned long), long (*)(void*, unsigned long), unsigned char *, long *, void(*)(char *));
int unlzma(unsigned char *, long, long (*)(void*, unsigned long), long (*)(void*, unsigned long), unsigned char *, long *, void(*)(char *));
int unxz(unsigned char *, long, long (*)(void*, unsigned long), long (*)(void*, unsigned long), unsigned char *, long *, void(*)(char *));
int unlzo(unsigned char *, long, long (*)(void*, unsigned long), long (*)(void*, unsigned long), unsigned char *, long *, void(*)(char *));
int unlz4(unsigned char *, long, long (*)(void*, unsigned long), long (*)(void*, unsigned long), unsigned char *, long *, void(*)(char *));
int unzstd(unsigned char *, long, long (*)(void*, unsigned long), long (*)(void*, unsigned long), unsigned char *, long *, void(*)(char *));

struct compress_format {
	unsigned char magic[2];
	const char *name;
	decompress_fn decompressor;
};
static const struct compress_format compressed_formats[] = {
	{ {0x1f, 0x8b}, "gzip", gunzip },
	{ {0x1f, 0x9e}, "gzip", gunzip },
	{ {0x42, 0x5a}, "bzip2", bunzip2 },
	{ {0x5d, 0x00}, "lzma", unlzma },
	{ {0xfd, 0x37}, "xz", unxz },
	{ {0x89, 0x4c}, "lzo", unlzo },
	{ {0x02, 0x21}, "lz4", unlz4 },
	{ {0x28, 0xb5}, "zstd", unzstd },
	{ {0, 0}, NULL, NULL }
};
decompress_fn
decompress_method(const unsigned char *inbuf, long len, const char **name)
{
	const struct compress_format *cf;
	if (len < 2) {
		if (name)
			*name = NULL;
		return NULL;
	}
	for (cf = compressed_formats; cf->name; cf++)
		if (!memcmp(inbuf, cf->magic, 2))
			break;
	if (name)
		*name = cf->name;
	return cf->decompressor;
}

/* <linux/lzo.h>'s decoder: minilzo's, with the kernel's signature */
#include <minilzo.h>
int kor_lzo1x_decompress_safe(const unsigned char *src, size_t src_len, unsigned char *dst, size_t *dst_len);
int
kor_lzo1x_decompress_safe(const unsigned char *src, size_t src_len, unsigned char *dst, size_t *dst_len)
{
	lzo_uint n = *dst_len;
	int r = lzo1x_decompress_safe(src, src_len, dst, &n, NULL);
	*dst_len = n;
	return r;
}

/* what the kernel reads past the end of its buffer, and whether it did */
const unsigned char *kor_in_lo, *kor_in_hi;
int kor_ub;

/* crc32_le for lib/xz (XZ_INTERNAL_CRC32 0 in the kernel build) */
u32 crc32_le(u32 crc, const unsigned char *p, size_t len);
u32
crc32_le(u32 crc, const unsigned char *p, size_t len)
{
	while (len--) {
		crc ^= *p++;
		for (int k = 0; k < 8; k++)
			crc = (crc >> 1) ^ (0xedb88320 & -(crc & 1));
	}
	return crc;
}

#include "initramfs_cut.c"	/* made by run.sh */

/* kernel_unpack: the record of unpack_to_rootfs() over BUF; *UB set when
 * the kernel would have read past the end of the buffer (then the record
 * means nothing) */
char *kernel_unpack(const unsigned char *buf, size_t len, int *ub, unsigned long long cap);
char *
kernel_unpack(const unsigned char *buf, size_t len, int *ub, unsigned long long cap)
{
	/* room after the image, zeros, as after a page-padded initrd; kept
	 * from run to run, its zeros written back after each */
	static unsigned char *copy;
	static size_t copy_len;
	size_t pad = 1 << 20;
	if (len + pad > copy_len) {
		free(copy);
		copy_len = len + pad;
		copy = calloc(1, copy_len);
	}
	memcpy(copy, buf, len);
	kor_in_lo = copy;
	kor_in_hi = copy + len + pad;
	kor_ub = 0;
	kor_cap = cap;
	kor_data = 0;
	kor_capped = 0;
	rec_len = 0;
	out("");
	/* the state unpack_to_rootfs() does not reset: after the built-in
	 * archive, as at boot */
	state = Start;
	next_state = Reset;
	char *msg = unpack_to_rootfs((char *)copy, len);
	out("error: %s\n", msg ? msg : "none");
	free_hash();
	free(open_file);
	open_file = NULL;
	memset(copy, 0, len);
	*ub = kor_ub;
	return strdup(rec);
}
