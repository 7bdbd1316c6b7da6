/* uevent.h: the kernel's uevents, from its netlink socket, without udev.
 * Each event is "ACTION@DEVPATH\0KEY=VALUE\0KEY=VALUE\0..." */
#ifndef POPINIT_UEVENT_H
#define POPINIT_UEVENT_H

/* uevent_open: a non-blocking socket receiving the kernel's uevents;
 * the fd (O_CLOEXEC) or a negative errno */
int uevent_open(void);

/* uevent_drain: hand each KEY=VALUE field of every pending event to EACH;
 * returns when none is left */
void uevent_drain(int fd, void (*each)(void *ctx, const char *field), void *ctx);

#endif
