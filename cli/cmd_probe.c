/* cmd_probe.c: popinit probe FILE...: what popinit reads on a block
 * device or an image file, in blkid's terms:
 *
 *   FILE: TYPE="ext4" UUID="..." LABEL="..."
 *   FILE: PART=1 PARTUUID="..." PARTLABEL="..."   (each partition)
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>

#include "../blkdev/probe.h"
#include "../lib/io.h"
#include "../lib/log.h"
#include "cmd.h"

int
cmd_probe(int argc, char **argv)
{
	int code = EXIT_OK;

	if (argc < 2) {
		return cmd_usage("probe");
	}
	for (int i = 1; i < argc; i++) {
		int fd = open(argv[i], O_RDONLY | O_CLOEXEC | O_NONBLOCK);
		struct probe_fs f;
		if (fd < 0) {
			log_fatal("unable to open %s: %s", argv[i], strerror(errno));
			code = EXIT_USAGE;
			continue;
		}
		int r = probe_fs(fd, &f);
		if (r < 0) {
			log_fatal("unable to read %s: %s", argv[i], strerror(-r));
			code = EXIT_TEMP;
		} else if (f.type) {
			printf("%s: TYPE=\"%s\"", argv[i], f.type);
			if (f.uuid[0])
				printf(" UUID=\"%s\"", f.uuid);
			if (f.label[0])
				printf(" LABEL=\"%s\"", f.label);
			printf("\n");
		}
		for (unsigned n = 1; n <= 128; n++) {
			struct probe_part p;
			if (probe_part(fd, n, 512, &p) < 0)
				continue;
			printf("%s: PART=%u PARTUUID=\"%s\"", argv[i], n, p.uuid);
			if (p.label[0])
				printf(" PARTLABEL=\"%s\"", p.label);
			printf(" START=%llu SECTORS=%llu\n", (unsigned long long)p.start, (unsigned long long)p.sectors);
		}
		(void)io_close(fd);
	}
	return fflush(stdout) ? EXIT_TEMP : code;
}
