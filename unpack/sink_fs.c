/* sink_fs.c: apply cpio entries to a tree the way init/initramfs.c does.
 *
 * Every call below is the userspace twin of the kernel's init_*() call at
 * the same place, made relative to "/" of a thread confined to the target,
 * so path resolution, symlink following and error cases are the kernel's.
 * As in the kernel, failures to create, chown, chmod or utime an object
 * are not errors (the entry is skipped); only failed writes of file data
 * and bad 070702 checksums are.
 *
 * Two differences in calls, none in the tree.  The kernel looks (lstat)
 * before it makes an object; this sink makes it first and looks only when
 * the name is taken (clean_path).  And the kernel chowns and chmods
 * every object it creates.  An object this sink has just created (nothing
 * was at its name, its creation succeeded) in a directory it knows to be
 * plain (see struct dir_mtime) already has what those calls would give it
 * when the entry's owner is the caller's and its mode is what the umask
 * left: the calls are not made.  Under TCG each is tens of microseconds.
 */
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "../lib/io.h"
#include "../lib/sys.h"
#include "links.h"
#include "sink.h"

/* A directory entry: its mtime is set at the end of the image, as the
 * kernel does.  And whether it is plain.
 *
 * A plain directory: one this sink made (mkdir succeeded: it was new)
 * in a plain directory, without S_ISGID.  So it has no default ACL (only
 * a parent's is inherited) and is not set-group-ID: an object created in
 * it gets the caller's uid and gid and the mode asked for less the umask,
 * exactly.  Known by the name it was made by (another spelling of it is
 * not known: the calls are made).  The root is plain when it is neither
 * set-group-ID nor has a default ACL.  An entry for a directory that was
 * already there leaves a plain one plain, unless it makes it set-group-ID
 * (old_dir).  What could change a plain directory or what a name of one
 * resolves to, a removal that succeeds or such a chmod (by any name:
 * another spelling of a plain one, the root), makes every directory
 * unknown again, for the rest of the sink's life.
 * At the end of an image the directories it made are forgotten with their
 * mtimes (the boot may mount something on one before the next image). */
struct dir_mtime {
	struct dir_mtime *next;
	uint32_t mtime;
	bool plain;
	char name[];
};

struct sink_fs {
	struct error *error, *late;
	struct timing *tm;
	struct links links;
	struct dir_mtime *dirs;		/* LIFO, as the kernel's dir_list */
	bool root_plain, forget;	/* forget: no directory is known plain */
	uid_t uid;			/* the caller's, as a new object's */
	gid_t gid;
	int src_fd;			/* sink_fs_source: [src_lo, src_hi) maps it */
	const uint8_t *src_lo, *src_hi;
	int lend[2];			/* the pipe that lends memory to splice; -1 none yet */
	bool no_lend;			/* the target took no splice */
	int fd;				/* the regular file being written */
	bool fd_crc;
	uint32_t fd_check, fd_mtime;
	uint64_t fd_offset;
	uint64_t fd_size, fd_done;	/* its size, the bytes written */
	bool fd_temp;			/* writing fd_name + TEMP_SUFFIX */
	bool fd_new;			/* a new file (not a hard link): counted when complete */
	struct sink_stats stats;
	char fd_name[CPIO_PATH_MAX];
	char temp_name[CPIO_PATH_MAX + 16];
};

/* a file being executed cannot be opened for writing (ETXTBSY): it is
 * written beside, then renamed over, as package managers replace a
 * running program.  The kernel never meets this: nothing runs while it
 * unpacks.  popinit does, when an image brings a new /init. */
#define TEMP_SUFFIX ".popinit-new"

const char *const sink_call_names[SC_CALLS] = {
	"lstat", "open", "chown", "chmod", "truncate", "write", "utimes", "close",
	"mkdir", "mknod", "symlink", "link", "unlink",
};
/* count one call of kind C */
#define CALL(s, c) ((s)->stats.calls[c]++)

struct sink_fs *
sink_fs_new(struct error *err, struct error *late, struct timing *tm)
{
	struct sink_fs *s = calloc(1, sizeof *s);

	if (!s)
		return NULL;
	s->error = err;
	s->late = late;
	s->tm = tm;
	s->fd = -1;
	s->src_fd = -1;
	s->lend[0] = s->lend[1] = -1;
	return s;
}

void
sink_fs_set_timing(struct sink_fs *s, struct timing *tm)
{
	s->tm = tm;
}

/* The kernel looks names up with kern_path(), which takes "" for the
 * directory it stands in, the root: its chown, chmod, utimes and stat of an
 * entry named "" reach the root.  Creating "" fails, as it does here. */
static const char *
looked_up(const char *name)
{
	return *name ? name : ".";
}

int
sink_fs_enter(struct sink_fs *s, const char *root)
{
	/* no ROOT: the calling thread's (sink_fs_here) */
	if (root && (unshare(CLONE_FS) < 0 || chroot(root) < 0 || chdir("/") < 0))
		return -errno;
	/* the kernel unpacks with init_fs's umask; every mode is then set
	 * explicitly with chmod, as here (but see struct dir_mtime); here,
	 * the calling thread keeps it (at boot it has it already) */
	umask(022);
	struct stat st;
	s->uid = geteuid();
	s->gid = getegid();
	s->root_plain = !lstat(".", &st) && !(st.st_mode & S_ISGID) &&
			/* (musl's getxattr links its eleven siblings) */
			syscall(SYS_getxattr, ".", "system.posix_acl_default", NULL, 0) < 0 &&
			(errno == ENODATA || errno == ENOTSUP);
	return 0;
}

bool
sink_fs_here(struct sink_fs *s, const char *root)
{
	char cwd[2];	/* room for "/" alone: fails for any other directory */

	return !strcmp(root, "/") && getcwd(cwd, sizeof cwd) && !sink_fs_enter(s, NULL);
}

/* is the directory of this image named NAME (its first N bytes) plain? */
static bool
plain_named(const struct sink_fs *s, const char *name, size_t n)
{
	if (s->forget)
		return false;
	for (const struct dir_mtime *d = s->dirs; d; d = d->next)
		if (!strncmp(d->name, name, n) && !d->name[n])
			return d->plain;	/* the latest entry of that name */
	return false;
}

/* is the directory NAME stands in plain? */
static bool
in_plain(const struct sink_fs *s, const char *name)
{
	const char *slash = strrchr(name, '/');
	if (!slash)
		return !s->forget && s->root_plain && *name;	/* "" is the root itself */
	return plain_named(s, name, (size_t)(slash - name));
}

/* after the chown and chmod of E, a directory that was there (CHMOD_OK:
 * the chmod succeeded): is it plain?  A chown of a directory leaves its
 * mode, a chmod its default ACL; a chmod that made it set-group-ID may
 * have made any directory so, by another name: none is known plain. */
static bool
old_dir(struct sink_fs *s, const struct cpio_entry *e, bool chmod_ok)
{
	if (chmod_ok && (e->mode & S_ISGID)) {
		s->forget = true;
		return false;
	}
	return strcmp(looked_up(e->name), ".") && plain_named(s, e->name, strlen(e->name));
}

/* own: the kernel's chown and chmod of E, through FD or by its name (a
 * symlink's own owner, no chmod: BITS 0); true when the chmod succeeded.
 * Left out when FRESH (E was made just now, in a plain directory: the
 * caller asks in_plain() once), and they would change nothing: a new
 * object there is the caller's, with the mode asked for less the umask.
 * A chown, even to the same owner, takes S_ISUID and S_ISGID off a file,
 * which the chmod then puts back.  BITS: the mode bits creating honours
 * (mkdir: no S_ISUID or S_ISGID). */
static bool
own(struct sink_fs *s, const struct cpio_entry *e, int fd, bool fresh, uint32_t bits)
{
	bool chown_ = !fresh || e->uid != s->uid || e->gid != s->gid;
	uint32_t m = e->mode & 07777;
	const char *at = looked_up(e->name);
	int r = 0;

	if (chown_) {
		CALL(s, SC_CHOWN);
		/* fchown(FD), chown or lchown(AT) */
		(void)fchownat(fd >= 0 ? fd : AT_FDCWD, fd >= 0 ? "" : at, e->uid, e->gid,
			       fd >= 0 ? AT_EMPTY_PATH : bits ? 0 : AT_SYMLINK_NOFOLLOW);
	}
	if (bits && (!fresh || (m & ~bits) || (m & 022) || (chown_ && (m & (S_ISUID | S_ISGID))))) {
		CALL(s, SC_CHMOD);
		r = fd >= 0 ? fchmod(fd, m) : chmod(at, m);
	}
	return r == 0;
}

static void
set_mtime(struct sink_fs *s, const char *name, uint32_t mtime)
{
	struct timespec t[2] = { { .tv_sec = mtime }, { .tv_sec = mtime } };

	/* init_utimes: not following a final symlink; failures ignored */
	CALL(s, SC_UTIMES);
	(void)utimensat(AT_FDCWD, looked_up(name), t, AT_SYMLINK_NOFOLLOW);
}

/* clean_path: remove what is at NAME when its type differs from FMODE's;
 * 1 when nothing was there, 0 when what is there is kept, -1 removed.
 *
 * The kernel looks before every file, directory and symlink it makes.
 * This sink makes them first (open with O_EXCL, mkdir, symlink: each
 * fails, changing nothing, when the name is taken) and looks only when
 * that fails: when creating succeeds nothing was there, which is all the
 * kernel's look would have found.  A call less an object (lstat: under
 * TCG tens of microseconds); one more for a name that is taken. */
static int
clean_path(struct sink_fs *s, const char *name, uint32_t fmode)
{
	struct stat st;

	CALL(s, SC_LSTAT);
	if (lstat(looked_up(name), &st) < 0)
		return errno == ENOENT;
	if (!((st.st_mode ^ fmode) & S_IFMT))
		return 0;
	CALL(s, SC_UNLINK);
	/* a directory that is not empty is kept: that failure changes
	 * nothing (a usrmerge image's lib -> usr/lib over an earlier
	 * image's lib/modules: its entries are still known new) */
	if ((S_ISDIR(st.st_mode) ? rmdir(name) : unlink(name)) == 0)
		s->forget = true;
	return -1;
}

/* maybe_link: 0 not a later link, 1 linked to the first name, -1 failed */
static int
maybe_link(struct sink_fs *s, const struct cpio_entry *e, int *err)
{
	*err = 0;
	if (e->nlink < 2)
		return 0;
	const char *old = links_find(&s->links, e, err);
	if (*err)
		return -1;
	if (!old)
		return 0;
	clean_path(s, e->name, 0);
	CALL(s, SC_LINK);
	if (link(old, e->name) < 0)
		return -1;
	s->stats.links++;
	return 1;
}

static int
oom(struct sink_fs *s, const struct cpio_entry *e)
{
	error_set(s->error, "write error", "out of memory", -ENOMEM, e->name, e->offset);
	return -1;
}

/* kernel_length: the kernel truncates a file to its size before writing
 * it (vfs_truncate); a new file written whole gets that size anyway, so
 * the call is made only for one whose data did not all come (a write
 * error, an archive cut short): the same length, a call less a file */
static void
kernel_length(struct sink_fs *s)
{
	if (s->fd >= 0 && s->fd_done < s->fd_size) {
		CALL(s, SC_TRUNCATE);
		(void)ftruncate(s->fd, (off_t)s->fd_size);
	}
}

static void
close_file(struct sink_fs *s)
{
	if (s->fd >= 0) {
		kernel_length(s);
		CALL(s, SC_CLOSE);
		(void)io_close(s->fd);
		s->fd = -1;
		/* cut short: the running program stays */
		if (s->fd_temp)
			(void)unlink(s->temp_name);
	}
}

/* The kernel's clean_path(NAME, mode) before a later link's own
 * clean_path(NAME, 0) changes nothing that the second would not remove
 * (maybe_link), so a regular file's is made only for the first name. */
static int
do_file(struct sink_fs *s, const struct cpio_entry *e)
{
	int err, ml = maybe_link(s, e, &err);

	if (err)
		return oom(s, e);
	if (ml < 0)
		return 0;
	int flags = O_WRONLY | O_CREAT | O_CLOEXEC | O_NOCTTY | O_NONBLOCK | O_LARGEFILE;
	s->fd_temp = false;
	bool new = ml == 0;
	int fd = -1;
	if (new) {
		flags |= O_TRUNC;
		CALL(s, SC_OPEN);
		fd = sys_open(e->name, flags | O_EXCL, e->mode & 07777);
		if (fd < 0)
			new = clean_path(s, e->name, e->mode) > 0;
	}
	if (fd < 0) {
		CALL(s, SC_OPEN);
		fd = sys_open(e->name, flags, e->mode & 07777);
	}
	s->fd = fd;
	if (s->fd == -ETXTBSY) {
		snprintf(s->temp_name, sizeof s->temp_name, "%s%s", e->name, TEMP_SUFFIX);
		(void)unlink(s->temp_name);
		s->fd = sys_open(s->temp_name, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOCTTY,
				 e->mode & 07777);
		s->fd_temp = s->fd >= 0;
	}
	if (s->fd < 0) {
		s->fd = -1;
		return 0;	/* skipped, as the kernel does */
	}
	s->fd_crc = e->crc;
	s->fd_check = e->check;
	s->fd_mtime = e->mtime;
	s->fd_offset = e->offset;
	strcpy(s->fd_name, e->name);
	(void)own(s, e, s->fd, new && in_plain(s, e->name), 07777);
	s->fd_size = e->filesize;
	s->fd_done = 0;
	/* a later link to a file made earlier holds that file's data:
	 * truncated now, as the kernel does (kernel_length for the others) */
	if (e->filesize && ml == 1) {
		CALL(s, SC_TRUNCATE);
		(void)ftruncate(s->fd, e->filesize);
	}
	s->fd_new = ml != 1;
	return 0;
}

static int entry(struct sink_fs *s, const struct cpio_entry *e);

int
sink_fs_entry(void *ctx, const struct cpio_entry *e)
{
	struct sink_fs *s = ctx;
	enum tm_phase was = tm_enter(s->tm, TM_META);
	int r = entry(s, e);

	tm_leave(s->tm, was);
	return r;
}

static int
entry(struct sink_fs *s, const struct cpio_entry *e)
{
	int err;

	if (S_ISLNK(e->mode)) {
		bool new = true;
		CALL(s, SC_SYMLINK);
		int r = symlink(e->target, e->name);
		if (r < 0) {
			new = clean_path(s, e->name, 0) > 0;
			CALL(s, SC_SYMLINK);
			r = symlink(e->target, e->name);
		}
		if (r == 0)
			s->stats.symlinks++;
		else {
			new = false;
			if (!e->target[0] && e->name[0])
				/* the kernel's vfs_symlink() takes "", symlink(2) does not */
				error_set(s->late, "symlink with an empty target not created",
					  "userspace cannot make one", 0, e->name, e->offset);
		}
		/* a symlink's mode is 0777 whatever is asked: only the owner */
		(void)own(s, e, -1, new && in_plain(s, e->name), 0);
		set_mtime(s, e->name, e->mtime);
		return 0;
	}
	if (S_ISREG(e->mode))
		return do_file(s, e);
	if (S_ISDIR(e->mode)) {
		CALL(s, SC_MKDIR);
		bool new = mkdir(e->name, e->mode & 07777) == 0;
		if (!new && clean_path(s, e->name, e->mode) < 0) {
			/* (nothing there, or a directory: it would fail again) */
			CALL(s, SC_MKDIR);
			if (mkdir(e->name, e->mode & 07777) == 0)
				s->stats.dirs++;
		}
		if (new)
			s->stats.dirs++;
		/* mkdir honours the sticky bit, not S_ISUID or S_ISGID */
		bool fresh = new && in_plain(s, e->name);
		bool plain = fresh && !(e->mode & S_ISGID);
		bool chmod_ok = own(s, e, -1, fresh, 01777);
		if (!new)
			plain = old_dir(s, e, chmod_ok);
		size_t n = strlen(e->name) + 1;
		struct dir_mtime *d = malloc(sizeof *d + n);
		if (!d)
			return oom(s, e);
		d->mtime = e->mtime;
		d->plain = plain;
		memcpy(d->name, e->name, n);
		d->next = s->dirs;
		s->dirs = d;
		return 0;
	}
	(void)clean_path(s, e->name, e->mode);
	if (S_ISBLK(e->mode) || S_ISCHR(e->mode) || S_ISFIFO(e->mode) || S_ISSOCK(e->mode)) {
		int ml = maybe_link(s, e, &err);
		if (err)
			return oom(s, e);
		if (ml == 0) {
			dev_t dev = S_ISBLK(e->mode) || S_ISCHR(e->mode) ? e->rdev : 0;
			CALL(s, SC_MKNOD);
			if (mknod(e->name, e->mode, dev) == 0)
				s->stats.nodes++;
			(void)own(s, e, -1, false, 07777);
			set_mtime(s, e->name, e->mtime);
		}
	}
	/* other types: clean_path() above was all the kernel does */
	return 0;
}

void
sink_fs_source(struct sink_fs *s, int fd, const void *lo, const void *hi)
{
	s->src_fd = fd;
	s->src_lo = lo;
	s->src_hi = hi;
}

/* Memory of ours (decoded data, a pipe's or a device's bytes) goes to a
 * file by vmsplice and splice, a piece of LEND_MIN bytes or more: the
 * kernel then copies it as it copies its own pages, where write(2) copies
 * from user memory: under QEMU (TCG) x0.6 of write's time, measured in
 * the guest (64 MB in 128 KiB pieces: 290 against 470 ms at 1 vCPU).
 * Smaller pieces, and a target that takes no splice, are written. */
#define LEND_MIN (16u << 10)
#define LEND_PIPE (256u << 10)

static void
lend_close(struct sink_fs *s)
{
	if (s->lend[0] >= 0) {
		(void)io_close(s->lend[0]);
		(void)io_close(s->lend[1]);
	}
	s->lend[0] = s->lend[1] = -1;
}

/* 0 or -errno as io_write_full's, *DONE written before; -EINVAL: the rest
 * from *DONE is to be written */
static int
lend(struct sink_fs *s, const uint8_t *p, size_t len, size_t *done)
{
	*done = 0;
	if (s->no_lend || len < LEND_MIN)
		return -EINVAL;
	if (s->lend[0] < 0) {
		if (pipe2(s->lend, O_CLOEXEC) < 0)
			return -EINVAL;	/* S->lend unchanged: -1, -1 */
		(void)fcntl(s->lend[1], F_SETPIPE_SZ, (int)LEND_PIPE);	/* smaller: more calls */
	}
	int r = io_splice_full(s->fd, s->lend, p, len, done);
	if (r < 0)
		lend_close(s);	/* it may hold bytes that never reached the file */
	if (r == -EINVAL || r == -ENOSYS || r == -EPERM) {
		s->no_lend = true;	/* no splice here (or no vmsplice): write */
		return -EINVAL;
	}
	return r;
}

int
sink_fs_data(void *ctx, const void *buf, size_t len)
{
	struct sink_fs *s = ctx;
	const uint8_t *p = buf;
	size_t done = 0;
	int r = -EINVAL;	/* -EINVAL: not sent yet, the rest from DONE */

	if (s->fd < 0)
		return 0;
	enum tm_phase was = tm_enter(s->tm, TM_WRITE);
	CALL(s, SC_WRITE);
	/* the image's own bytes: the kernel copies them from its pages */
	bool own = s->src_fd >= 0 && p >= s->src_lo && p + len <= s->src_hi;
	if (own && (r = io_send_full(s->fd, s->src_fd, (uint64_t)(p - s->src_lo), len, &done)) == -EINVAL)
		s->src_fd = -1;	/* no sendfile between these two: written */
	else if (!own)
		r = lend(s, p, len, &done);
	if (r == -EINVAL)
		r = io_write_full(s->fd, p + done, len - done);
	tm_leave(s->tm, was);
	if (r < 0) {
		kernel_length(s);
		error_set(s->error, "write error", NULL, r, s->fd_name, s->fd_offset);
		return -1;
	}
	s->fd_done += len;
	s->stats.bytes += len;
	return 0;
}

int
sink_fs_end(void *ctx, uint32_t sum)
{
	struct sink_fs *s = ctx;
	struct timespec t[2] = { { .tv_sec = s->fd_mtime }, { .tv_sec = s->fd_mtime } };

	if (s->fd < 0)
		return 0;
	enum tm_phase was = tm_enter(s->tm, TM_META);
	CALL(s, SC_UTIMES);
	(void)futimens(s->fd, t);
	CALL(s, SC_CLOSE);
	int r = io_close(s->fd);
	tm_leave(s->tm, was);
	s->fd = -1;
	if (!r && s->fd_temp && rename(s->temp_name, s->fd_name) < 0) {
		r = -errno;
		(void)unlink(s->temp_name);
	}
	if (r < 0) {
		error_set(s->error, "write error", NULL, r, s->fd_name, s->fd_offset);
		return -1;
	}
	if (s->fd_crc && sum != s->fd_check) {
		error_set(s->error, "bad data checksum", NULL, 0, s->fd_name, s->fd_offset);
		return -1;
	}
	/* only a file written to its end and closed counts as unpacked: one
	 * cut short by a full disk or a truncated image does not */
	if (s->fd_new)
		s->stats.files++;
	return 0;
}

int
sink_fs_trailer(void *ctx)
{
	struct sink_fs *s = ctx;

	links_reset(&s->links);
	return 0;
}

void
sink_fs_image_end(struct sink_fs *s)
{
	/* a file cut short stays as the kernel leaves it: full length, the
	 * data that came, no mtime; but closed (the kernel leaks it) */
	enum tm_phase was = tm_enter(s->tm, TM_META);
	close_file(s);
	s->src_fd = -1;		/* the image's file: closed after its end */
	lend_close(s);		/* no descriptor of ours outlives an image */
	while (s->dirs) {
		struct dir_mtime *d = s->dirs;
		s->dirs = d->next;
		set_mtime(s, d->name, d->mtime);
		free(d);
	}
	tm_leave(s->tm, was);
	/* 6.1 keeps the hardlink table across buffers when no TRAILER!!!
	 * ends them; newer kernels (6.14+) forget it at the end of each */
}

const struct sink_stats *
sink_fs_stats(const struct sink_fs *s)
{
	return &s->stats;
}

void
sink_fs_free(struct sink_fs *s)
{
	if (!s)
		return;
	close_file(s);
	lend_close(s);
	links_reset(&s->links);
	while (s->dirs) {
		struct dir_mtime *d = s->dirs;
		s->dirs = d->next;
		free(d);
	}
	free(s);
}
