/* links.c: see links.h */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "links.h"

struct links_node {
	uint32_t ino, major, minor, mode;
	struct links_node *next;
	char name[];
};

static unsigned
links_hash(uint32_t major, uint32_t minor, uint32_t ino)
{
	uint32_t h = ino + minor + (major << 3);
	return (h + (h >> 5)) & 31;
}

const char *
links_find(struct links *t, const struct cpio_entry *e, int *err)
{
	struct links_node **p, *q;

	*err = 0;
	for (p = &t->head[links_hash(e->devmajor, e->devminor, e->ino)]; *p; p = &(*p)->next) {
		if ((*p)->ino == e->ino && (*p)->minor == e->devminor &&
		    (*p)->major == e->devmajor && !(((*p)->mode ^ e->mode) & S_IFMT))
			return (*p)->name;
	}
	size_t n = strlen(e->name) + 1;
	q = malloc(sizeof *q + n);
	if (!q) {
		*err = -ENOMEM;
		return NULL;
	}
	q->ino = e->ino;
	q->major = e->devmajor;
	q->minor = e->devminor;
	q->mode = e->mode;
	q->next = NULL;
	memcpy(q->name, e->name, n);
	*p = q;
	return NULL;
}

void
links_reset(struct links *t)
{
	for (size_t i = 0; i < 32; i++) {
		while (t->head[i]) {
			struct links_node *q = t->head[i];
			t->head[i] = q->next;
			free(q);
		}
	}
}
