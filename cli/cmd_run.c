/* cmd_run.c: popinit run [--] CMD [ARGS...]: CMD under a PID 1 (or a
 * subreaper) that reaps and forwards signals (init/run.c). */
#include <string.h>

#include "../init/boot.h"
#include "../lib/log.h"
#include "cmd.h"

int
cmd_run(int argc, char **argv)
{
	extern char **environ;
	int i = 1;

	if (i < argc && !strcmp(argv[i], "--"))
		i++;
	if (i >= argc) {
		return cmd_usage("run");
	}
	return run_supervise(argv + i, environ);
}
