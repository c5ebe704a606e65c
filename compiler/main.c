/* xenshm-compose: the command table; each subcommand is the pipeline for one job. */
#include "cli.h"
#include "diag.h"
#include "text.h"
#include "version.h"

#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

static const struct {
	const char *name;
	int (*fn)(int argc, char **argv);
	const char *description;
	bool acts;	/* changes the host: its exit code says what it did, not its output */
} commands[] = {
	{ "check", check_main, "check a topology and report every problem", false },
	{ "config", config_main, "print the normalized topology (owners, addresses, order)", false },
	{ "build", build_main, "write every artifact (xl configs, plan, device trees, headers)", false },
	{ "graph", graph_main, "draw the sharing: DOT, or SVG/PNG/PDF through Graphviz", false },
	{ "plan", plan_main, "print the steps 'up' would take", false },
	{ "up", up_main, "create the VMs on this Xen host and share their memory", true },
	{ "down", down_main, "destroy a project's VMs and forget its regions", true },
	{ "ps", ps_main, "list the projects that are up, their VMs and regions", false },
	{ "import", import_main, "write the topology of existing xl configs", false },
	{ "explain", explain_main, "explain a check: what, why on Xen, how to fix", false },
};

static void show_usage(FILE *f)
{
	size_t i;

	fprintf(f, "usage: xenshm-compose COMMAND [ARGS]\n\n"
		   "Compiles one YAML topology of Xen VMs sharing static memory.\n\n"
		   "Commands:\n");
	for (i = 0; i < sizeof(commands) / sizeof(commands[0]); i++)
		fprintf(f, "  %-10s %s\n", commands[i].name, commands[i].description);
	fprintf(f, "\n'xenshm-compose COMMAND --help' (or 'help COMMAND') shows a command's options.\n"
		   "Exit codes: 0 ok, 1 usage/I-O/YAML syntax, 2 check errors, 3 rolled back,"
		   " 4 partly rolled back.\nSee 'man docs/xenshm-compose.1' and docs/.\n");
}

int main(int argc, char **argv)
{
	char help_flag[] = "--help";
	char *help_argv[3];
	size_t i;

	if (argc < 2) {
		show_usage(stderr);
		return EXIT_USAGE;
	}
	if (!strcmp(argv[1], "help") && argc == 3) {	/* help COMMAND: COMMAND --help */
		help_argv[0] = argv[0];
		help_argv[1] = argv[2];
		help_argv[2] = help_flag;
		argv = help_argv;
		argc = 3;
	} else if (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h") || !strcmp(argv[1], "help")) {
		show_usage(stdout);
		return EXIT_OK;
	}
	if (!strcmp(argv[1], "--version")) {
		printf("xenshm-compose %s\n", XENSHM_VERSION);
		return EXIT_OK;
	}
	for (i = 0; i < sizeof(commands) / sizeof(commands[0]); i++) {
		int ret;
		if (strcmp(argv[1], commands[i].name))
			continue;
		ret = commands[i].fn(argc - 1, argv + 1);
		/* output nobody could read is an I/O error, whatever the command found */
		if (fflush(stdout) || ferror(stdout)) {
			fprintf(stderr, "xenshm-compose: cannot write the output: %s\n",
				strerror(errno));
			return commands[i].acts ? ret : EXIT_USAGE;
		}
		return ret;
	}
	fprintf(stderr, "xenshm-compose: unknown command '%s'\n", q(argv[1]));
	show_usage(stderr);
	return EXIT_USAGE;
}
