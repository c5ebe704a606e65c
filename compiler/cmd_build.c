/* `build FILE -o DIR`: every artifact, written atomically. */
#include "cli.h"
#include "compile.h"
#include "output.h"

#include <stdio.h>

static const char usage[] =
	"xenshm-compose build FILE -o DIR [-W NAME] [-Wno-NAME] [-E NAME] [-Werror] [-q]";

int build_main(int argc, char **argv)
{
	struct options o;
	struct compile c = { 0 };
	int ret;

	ret = parse_options(argc, argv, OPT_OUTPUT | OPT_QUIET, usage, &o);
	if (ret || o.help)
		return ret;
	if (!o.output) {
		fprintf(stderr, "xenshm-compose: build needs -o DIR\nusage: %s\n", usage);
		return EXIT_USAGE;
	}
	ret = compile_checked(&c, o.file, &o.diag, false);
	if (ret == EXIT_OK && build_tree(&c.t, o.output))
		ret = EXIT_USAGE;
	else if (ret == EXIT_OK && !o.quiet)
		printf("%s: wrote %s (%zu VM%s, %zu region%s)\n", c.src.name, o.output, c.t.nvms,
		       c.t.nvms == 1 ? "" : "s", c.t.nmapped, c.t.nmapped == 1 ? "" : "s");
	compile_release_at_exit(&c);
	return ret;
}
