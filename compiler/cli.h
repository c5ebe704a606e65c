/* Command-line options shared by the subcommands, and the subcommand entry points. */
#ifndef XENSHM_CLI_H
#define XENSHM_CLI_H

#include <stdbool.h>

#include "diag.h"

/* options a subcommand takes, besides -W/-Wno-/-E/-Werror which all take */
enum {
	OPT_FORMAT = 1 << 0,	/* --format X */
	OPT_OUTPUT = 1 << 1,	/* -o PATH */
	OPT_QUIET = 1 << 2,	/* -q */
	OPT_SCRUB = 1 << 3,	/* --no-scrub */
	OPT_DRY_RUN = 1 << 4,	/* --dry-run */
	OPT_PROJECT = 1 << 5,	/* -p PROJECT, instead of FILE */
	OPT_FILES = 1 << 6,	/* FILE..., several */
	OPT_ARCH = 1 << 7,	/* --arch ARCH */
	OPT_NAME = 1 << 8,	/* --name PROJECT: the project a command writes */
};

struct options {
	const char *file;	/* the first FILE */
	char **files;		/* OPT_FILES: every FILE, in argv; nfiles of them */
	int nfiles;
	const char *format;	/* NULL: the command's default */
	const char *output;
	const char *project;
	const char *arch;	/* --arch */
	const char *name;	/* --name */
	bool quiet, no_scrub, dry_run;
	bool help;		/* -h or --help: the help is printed, the command ends with 0 */
	bool saw_stdin;		/* a FILE was - */
	struct diag_config diag;
};

/*
 * Parses a subcommand's arguments (argv[0] is the subcommand); options may
 * come before or after FILE. Returns 0, or EXIT_USAGE after printing usage.
 * -h or --help prints the command's help on stdout and returns 0 with
 * o->help set: the command then returns EXIT_OK without doing anything.
 */
int parse_options(int argc, char **argv, unsigned accepts, const char *usage, struct options *o);

/* --format as an enum; -1 (after a message and the usage) when not one of allowed */
int parse_format(const char *format, const char *const *allowed, const char *usage);

int check_main(int argc, char **argv);
int config_main(int argc, char **argv);
int explain_main(int argc, char **argv);
int build_main(int argc, char **argv);
int graph_main(int argc, char **argv);
int plan_main(int argc, char **argv);
int up_main(int argc, char **argv);
int down_main(int argc, char **argv);
int ps_main(int argc, char **argv);
int import_main(int argc, char **argv);

#endif
