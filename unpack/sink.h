/* sink.h: where parsed entries go.
 *
 * sink_fs applies them to a directory tree with the kernel's own sequence
 * of system calls (init/initramfs.c do_name, do_copy, do_symlink); it runs
 * in a thread of its own whose root directory is the target (unshare
 * CLONE_FS + chroot), so names resolve exactly as for the kernel: "..",
 * absolute names and absolute symlinks all stay inside the target.
 *
 * sink_list prints what the kernel would create, one entry a line.
 */
#ifndef POPINIT_SINK_H
#define POPINIT_SINK_H

#include <stdint.h>
#include <stdio.h>

#include "cpio.h"
#include "timing.h"

/* the system calls the filesystem sink makes, counted */
enum sink_call {
	SC_LSTAT, SC_OPEN, SC_CHOWN, SC_CHMOD, SC_TRUNCATE, SC_WRITE, SC_UTIMES, SC_CLOSE,
	SC_MKDIR, SC_MKNOD, SC_SYMLINK, SC_LINK, SC_UNLINK, SC_CALLS
};
extern const char *const sink_call_names[SC_CALLS];

struct sink_stats {
	uint64_t files, dirs, symlinks, nodes, links, bytes;
	uint32_t calls[SC_CALLS];
};

/* The filesystem sink: entry/data/end/trailer are the cpio_sink
 * callbacks; sink_fs_image_end() closes what is open and applies the
 * deferred directory mtimes, once per image, as the kernel does per
 * buffer.  Must be called from the thread that called sink_fs_enter()
 * (or sink_fs_here()). */
struct sink_fs;

/* sink_fs_new: allocate the sink, errors reported into ERR, and into LATE
 * what the kernel does but userspace cannot (the tree differs there); its
 * time goes to TM (write and meta) */
struct sink_fs *sink_fs_new(struct error *err, struct error *late, struct timing *tm);
void sink_fs_free(struct sink_fs *s);
/* sink_fs_set_timing: its time (write and meta) to TM from now on */
void sink_fs_set_timing(struct sink_fs *s, struct timing *tm);
/* sink_fs_enter: confine the calling thread to ROOT (unshare CLONE_FS,
 * chroot, chdir; umask 022, as the kernel's); ROOT NULL: see
 * sink_fs_here.  Returns 0 or a negative errno. */
int sink_fs_enter(struct sink_fs *s, const char *root);
/* sink_fs_here: in place of sink_fs_enter() when ROOT is "/" and the
 * calling thread's root and working directory are it: nothing to
 * confine, the sink works in that thread as it is, whose umask becomes
 * 022 (PID 1's is already: the kernel's init_fs).  False, and nothing
 * done, otherwise. */
bool sink_fs_here(struct sink_fs *s, const char *root);
int sink_fs_entry(void *ctx, const struct cpio_entry *e);
int sink_fs_data(void *ctx, const void *buf, size_t len);
/* sink_fs_source: data handed in within [LO, HI) are FD's bytes from its
 * start (the image mapped there), until the image ends (FD -1: none):
 * they go to the file with sendfile(), a copy in the kernel, not written
 * from the mapping.  On a virtualised CPU every page of a mapping read
 * costs a two-level page walk: writing 385 MB from one took 2.6x
 * sendfile's time on the host. */
void sink_fs_source(struct sink_fs *s, int fd, const void *lo, const void *hi);
int sink_fs_end(void *ctx, uint32_t sum);
int sink_fs_trailer(void *ctx);
/* sink_fs_image_end: the end of one image (or buffer, for the kernel) */
void sink_fs_image_end(struct sink_fs *s);
const struct sink_stats *sink_fs_stats(const struct sink_fs *s);

/* The listing sink prints to OUT. */
struct sink_list;
struct sink_list *sink_list_new(FILE *out, int verbose);
void sink_list_free(struct sink_list *s);
int sink_list_entry(void *ctx, const struct cpio_entry *e);
int sink_list_data(void *ctx, const void *buf, size_t len);
int sink_list_end(void *ctx, uint32_t sum);
int sink_list_trailer(void *ctx);
/* sink_list_note: a line about the image itself (segment, codec, error) */
void sink_list_note(struct sink_list *s, const char *line);

#endif
