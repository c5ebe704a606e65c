/* Command-line options shared by the subcommands. */
#include "cli.h"
#include "text.h"
#include "topology.h"

#include <stdio.h>
#include <string.h>

static int usage_error(const char *usage, const char *fmt, const char *arg)
{
	fputs("xenshm-compose: ", stderr);
	fprintf(stderr, fmt, q(arg));
	fprintf(stderr, "\nusage: %s\n", usage);
	return EXIT_USAGE;
}

/* COMMAND --help: the usage line, then what each option the command takes does */
static void print_help(const char *usage, unsigned accepts)
{
	printf("usage: %s\n\nOptions:\n", usage);
	if (accepts & OPT_FORMAT)
		puts("  --format FORMAT  the output's format, one of those in the usage line");
	if (accepts & OPT_OUTPUT)
		puts("  -o PATH          where the output goes");
	if (accepts & OPT_PROJECT)
		puts("  -p PROJECT       a project that is up on this host, instead of FILE");
	if (accepts & OPT_ARCH)
		puts("  --arch ARCH      arm64 or x86_64, when the files do not tell");
	if (accepts & OPT_NAME)
		puts("  --name PROJECT   the project's name in what is written");
	if (accepts & OPT_DRY_RUN)
		puts("  --dry-run        print the steps, change nothing");
	if (accepts & OPT_SCRUB)
		puts("  --no-scrub       leave the regions' memory as it is (no zeroing)");
	if (accepts & OPT_QUIET)
		puts("  -q               print nothing when all is well");
	puts("  -W NAME          check NAME reports a warning\n"
	     "  -E NAME          check NAME reports an error\n"
	     "  -Wno-NAME        check NAME reports nothing\n"
	     "  -Werror          every warning becomes an error\n"
	     "  -h, --help       this help\n\n"
	     "FILE may be - for standard input. The checks: xenshm-compose explain --list.\n"
	     "Exit codes: docs/exit-codes.md, or man xenshm-compose.");
}

int parse_options(int argc, char **argv, unsigned accepts, const char *usage, struct options *o)
{
	int i;

	memset(o, 0, sizeof(*o));
	diag_config_init(&o->diag);
	for (i = 1; i < argc; i++) {
		const char *a = argv[i];

		if (!strcmp(a, "--help") || !strcmp(a, "-h")) {
			print_help(usage, accepts);
			o->help = true;
			return 0;
		} else if (!strcmp(a, "-Werror")) {
			o->diag.werror = true;
		} else if (!strncmp(a, "-Wno-", 5) && a[5]) {
			if (diag_config_set(&o->diag, 'n', a + 5))
				return EXIT_USAGE;
		} else if (!strcmp(a, "-W") || !strcmp(a, "-E")) {
			if (++i == argc)
				return usage_error(usage, "'%s' needs a check name", a);
			if (diag_config_set(&o->diag, a[1], argv[i]))
				return EXIT_USAGE;
		} else if ((accepts & OPT_FORMAT) && !strcmp(a, "--format")) {
			if (++i == argc)
				return usage_error(usage, "'%s' needs a value", a);
			o->format = argv[i];
		} else if ((accepts & OPT_FORMAT) && !strncmp(a, "--format=", 9)) {
			o->format = a + 9;
		} else if ((accepts & OPT_OUTPUT) && !strcmp(a, "-o")) {
			if (++i == argc)
				return usage_error(usage, "'%s' needs a path", a);
			o->output = argv[i];
		} else if ((accepts & OPT_QUIET) && !strcmp(a, "-q")) {
			o->quiet = true;
		} else if ((accepts & OPT_SCRUB) && !strcmp(a, "--no-scrub")) {
			o->no_scrub = true;
		} else if ((accepts & OPT_DRY_RUN) && !strcmp(a, "--dry-run")) {
			o->dry_run = true;
		} else if ((accepts & OPT_ARCH) && !strcmp(a, "--arch")) {
			if (++i == argc)
				return usage_error(usage, "'%s' needs arm64 or x86_64", a);
			o->arch = argv[i];
		} else if ((accepts & OPT_NAME) && !strcmp(a, "--name")) {
			if (++i == argc)
				return usage_error(usage, "'%s' needs a project name", a);
			o->name = argv[i];
		} else if ((accepts & OPT_PROJECT) && !strcmp(a, "-p")) {
			if (++i == argc)
				return usage_error(usage, "'%s' needs a project name", a);
			o->project = argv[i];
		} else if (a[0] == '-' && a[1]) {
			return usage_error(usage, "unknown option '%s'", a);
		} else if (o->file && !(accepts & OPT_FILES)) {
			return usage_error(usage, "one FILE only, got a second: '%s'", a);
		} else if (!strcmp(a, "-") && o->saw_stdin) {
			return usage_error(usage, "%s", "standard input (-) given twice");
		} else {
			if (!o->file)
				o->file = a;
			/* OPT_FILES: the FILEs move to the front of argv, in order, o->files */
			if (accepts & OPT_FILES)
				argv[o->nfiles] = argv[i];
			o->nfiles++;
			o->saw_stdin |= !strcmp(a, "-");
		}
	}
	o->files = (accepts & OPT_FILES) ? argv : NULL;
	if (o->project && !name_valid(NAME_PROJECT, o->project))
		return usage_error(usage, "'%s' is not a project name ([a-z0-9][a-z0-9_-]{0,31})",
				   o->project);
	if (o->name && !name_valid(NAME_PROJECT, o->name))
		return usage_error(usage, "'%s' is not a project name ([a-z0-9][a-z0-9_-]{0,31})",
				   o->name);
	if (o->arch && strcmp(o->arch, "arm64") && strcmp(o->arch, "x86_64"))
		return usage_error(usage, "unknown arch '%s': arm64 or x86_64", o->arch);
	if (o->file && o->project)
		return usage_error(usage, "%s", "give FILE or -p PROJECT, not both");
	if (!o->file && !(accepts & OPT_PROJECT))
		return usage_error(usage, "%s", "missing FILE (use - for standard input)");
	return 0;
}

int parse_format(const char *format, const char *const *allowed, const char *usage)
{
	int i;

	for (i = 0; allowed[i]; i++)
		if (!strcmp(format, allowed[i]))
			return i;
	fprintf(stderr, "xenshm-compose: unknown format '%s'; use", q(format));
	for (i = 0; allowed[i]; i++)
		fprintf(stderr, "%s %s", i ? (allowed[i + 1] ? "," : " or") : "", allowed[i]);
	fprintf(stderr, "\nusage: %s\n", usage);
	return -1;
}
