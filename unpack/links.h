/* links.h: the kernel's hardlink table (find_link in init/initramfs.c).
 *
 * Key: (ino, devmajor, devminor, mode & S_IFMT) of an entry with nlink >= 2;
 * value: the name of its first occurrence, which later occurrences are
 * linked to.  Forgotten at TRAILER!!!. */
#ifndef POPINIT_LINKS_H
#define POPINIT_LINKS_H

#include "cpio.h"

struct links_node;
struct links {
	struct links_node *head[32];
};

/* links_find: the first name of E's inode; NULL if E is its first
 * occurrence, in which case E's name is remembered.  -ENOMEM: *err set. */
const char *links_find(struct links *t, const struct cpio_entry *e, int *err);
void links_reset(struct links *t);

#endif
