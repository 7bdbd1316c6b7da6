/* treelist.c: a canonical listing of a tree, for comparing what the kernel
 * unpacks with what popinit unpacks.
 *
 *   treelist DIR        on the host: list DIR
 *   (as PID 1)          in the VM: list "/", print the kernel's initramfs
 *                       error if any, power off
 *
 * One line a path, sorted, relative to the root ("/" itself first):
 *
 *   PATH TYPE MODE UID GID NLINK MTIME SIZE EXTRA LINK
 *
 * TYPE is one of - d l c b p s; MODE the permission bits in octal; MTIME
 * the seconds, or "now" within a day of the current time (what the kernel
 * stamps when it sets no time of its own); SIZE the size of regular files
 * and symlinks, else "-"; EXTRA the FNV-1a 64 hash of a regular file, the
 * target of a symlink, major:minor of a device, else "-"; LINK the first
 * path (in this order) with the same inode when NLINK > 1 and the path is
 * not a directory, else "-".  Bytes outside 0x21..0x7e and backslashes in
 * names are written \ooo.  The lister itself, ORACLE_NAME, is left out.
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/klog.h>
#include <sys/reboot.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <time.h>
#include <unistd.h>

#define ORACLE_NAME "/.popinit-oracle"

struct ent {
	char *path;
	struct stat st;
	char *extra;
};

static struct ent *ents;
static size_t n_ents, cap_ents;
static time_t now;

static void
die(const char *what)
{
	fprintf(stdout, "treelist: fatal: %s: %s\n", what, strerror(errno));
	fflush(stdout);
	if (getpid() == 1) {
		sync();
		reboot(RB_POWER_OFF);
	}
	exit(111);
}

static void *
xmalloc(size_t n)
{
	void *p = malloc(n);
	if (!p)
		die("malloc");
	return p;
}

static char *
hash_file(int dirfd, const char *name)
{
	uint64_t h = 0xcbf29ce484222325ull;
	unsigned char buf[65536];
	ssize_t r;
	int fd = openat(dirfd, name, O_RDONLY | O_NOFOLLOW | O_CLOEXEC | O_NONBLOCK);
	char *out = xmalloc(20);

	if (fd < 0) {
		snprintf(out, 20, "unreadable");
		return out;
	}
	while ((r = read(fd, buf, sizeof buf)) > 0)
		for (ssize_t i = 0; i < r; i++)
			h = (h ^ buf[i]) * 0x100000001b3ull;
	close(fd);
	snprintf(out, 20, "%016llx", (unsigned long long)h);
	return out;
}

static void
walk(int fd, const char *rel)
{
	DIR *d = fdopendir(fd);
	struct dirent *de;

	if (!d)
		die(rel);
	while ((de = readdir(d))) {
		if (!strcmp(de->d_name, ".") || !strcmp(de->d_name, ".."))
			continue;
		size_t n = strlen(rel) + strlen(de->d_name) + 2;
		char *path = xmalloc(n);
		snprintf(path, n, "%s/%s", !strcmp(rel, "/") ? "" : rel, de->d_name);
		if (!strcmp(path, ORACLE_NAME)) {
			free(path);
			continue;
		}
		if (n_ents == cap_ents) {
			cap_ents = cap_ents ? 2 * cap_ents : 1024;
			ents = realloc(ents, cap_ents * sizeof *ents);
			if (!ents)
				die("realloc");
		}
		struct ent *e = &ents[n_ents++];
		e->path = path;
		e->extra = NULL;
		if (fstatat(dirfd(d), de->d_name, &e->st, AT_SYMLINK_NOFOLLOW) < 0)
			die(path);
		if (S_ISREG(e->st.st_mode)) {
			e->extra = hash_file(dirfd(d), de->d_name);
		} else if (S_ISLNK(e->st.st_mode)) {
			e->extra = xmalloc((size_t)e->st.st_size + 1);
			ssize_t l = readlinkat(dirfd(d), de->d_name, e->extra, (size_t)e->st.st_size + 1);
			if (l < 0)
				die(path);
			e->extra[l] = '\0';
		} else if (S_ISCHR(e->st.st_mode) || S_ISBLK(e->st.st_mode)) {
			e->extra = xmalloc(24);
			snprintf(e->extra, 24, "%u:%u", major(e->st.st_rdev), minor(e->st.st_rdev));
		} else if (S_ISDIR(e->st.st_mode)) {
			int sub = openat(dirfd(d), de->d_name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
			if (sub < 0)
				die(path);
			walk(sub, path);
		}
	}
	closedir(d);
}

static int
by_path(const void *a, const void *b)
{
	return strcmp(((const struct ent *)a)->path, ((const struct ent *)b)->path);
}

static void
put_escaped(const char *s)
{
	for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
		if (*p < 0x21 || *p > 0x7e || *p == '\\')
			printf("\\%03o", *p);
		else
			putchar(*p);
	}
}

static char
type_char(mode_t m)
{
	return S_ISREG(m) ? '-' : S_ISDIR(m) ? 'd' : S_ISLNK(m) ? 'l' : S_ISCHR(m) ? 'c' :
		S_ISBLK(m) ? 'b' : S_ISFIFO(m) ? 'p' : S_ISSOCK(m) ? 's' : '?';
}

static void
print_ent(const struct ent *e, const char *link)
{
	const struct stat *st = &e->st;

	put_escaped(e->path);
	printf(" %c %04o %u %u %lu ", type_char(st->st_mode), (unsigned)(st->st_mode & 07777),
	       (unsigned)st->st_uid, (unsigned)st->st_gid, (unsigned long)st->st_nlink);
	if (st->st_mtime > now - 86400 && st->st_mtime < now + 86400)
		printf("now");
	else
		printf("%lld", (long long)st->st_mtime);
	if (S_ISREG(st->st_mode) || S_ISLNK(st->st_mode))
		printf(" %lld ", (long long)st->st_size);
	else
		printf(" - ");
	if (e->extra)
		put_escaped(e->extra[0] ? e->extra : "\"\"");
	else
		putchar('-');
	putchar(' ');
	if (link)
		put_escaped(link);
	else
		putchar('-');
	putchar('\n');
}

static void
list(const char *root)
{
	struct ent top = { "/", { 0 }, NULL };
	int fd = open(root, O_RDONLY | O_DIRECTORY | O_CLOEXEC);

	if (fd < 0 || fstat(fd, &top.st) < 0)
		die(root);
	now = time(NULL);
	walk(fd, "/");
	qsort(ents, n_ents, sizeof *ents, by_path);
	print_ent(&top, NULL);
	for (size_t i = 0; i < n_ents; i++) {
		const char *link = NULL;
		if (!S_ISDIR(ents[i].st.st_mode) && ents[i].st.st_nlink > 1) {
			for (size_t j = 0; j < n_ents; j++) {
				if (ents[j].st.st_ino == ents[i].st.st_ino && ents[j].st.st_dev == ents[i].st.st_dev) {
					link = ents[j].path;
					break;
				}
			}
		}
		print_ent(&ents[i], link);
	}
}

/* the kernel's complaint about the initrd, from the kernel log */
static void
kernel_error(void)
{
	static char log[1 << 20];
	const char *key = "Initramfs unpacking failed: ";
	int n = klogctl(3 /* SYSLOG_ACTION_READ_ALL */, log, sizeof log - 1);

	if (n < 0)
		die("klogctl");
	log[n] = '\0';
	char *p = strstr(log, key);
	if (!p) {
		printf("error: none\n");
		return;
	}
	p += strlen(key);
	char *e = strchr(p, '\n');
	if (e)
		*e = '\0';
	printf("error: %s\n", p);
}

int
main(int argc, char **argv)
{
	if (getpid() != 1) {
		if (argc != 2) {
			fprintf(stderr, "usage: treelist DIR\n");
			return 100;
		}
		list(argv[1]);
		return fflush(stdout) ? 111 : 0;
	}
	printf("\n@@ORACLE-BEGIN@@\n");
	kernel_error();
	list("/");
	printf("@@ORACLE-END@@\n");
	fflush(stdout);
	sync();
	reboot(RB_POWER_OFF);
	return 0;
}
