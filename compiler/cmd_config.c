/* `config FILE`: the normalized topology, every owner, address and the start order resolved. */
#include "cli.h"
#include "compile.h"
#include "emit.h"

#include <stdio.h>

static const char usage[] =
	"xenshm-compose config FILE [--format yaml|json] [-W NAME] [-Wno-NAME] [-E NAME] [-Werror]";

int config_main(int argc, char **argv)
{
	static const char *const formats[] = { "yaml", "json", NULL };
	struct options o;
	struct compile c = { 0 };
	int fmt = 0, ret;

	ret = parse_options(argc, argv, OPT_FORMAT, usage, &o);
	if (ret || o.help)
		return ret;
	if (o.format && (fmt = parse_format(o.format, formats, usage)) < 0)
		return EXIT_USAGE;
	ret = compile_checked(&c, o.file, &o.diag, false);
	if (ret == EXIT_OK && emit_config(&c.t, fmt == 1 ? CONFIG_JSON : CONFIG_YAML, stdout)) {
		fprintf(stderr, "xenshm-compose: cannot write the configuration\n");
		ret = EXIT_USAGE;
	}
	compile_release_at_exit(&c);
	return ret;
}
