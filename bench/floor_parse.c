/*
 * The parse floor of `make bench`: reads a YAML file with libyaml's event
 * parser and does nothing with the events. No topology tool reading YAML
 * can be faster than this; bench/run.sh states every command's time as a
 * multiple of it.
 */
#include <stdio.h>
#include <yaml.h>

int main(int argc, char **argv)
{
	yaml_parser_t p;
	yaml_event_t e;
	unsigned long events = 0;
	FILE *f;
	int done = 0;

	if (argc != 2 || !(f = fopen(argv[1], "rb"))) {
		fprintf(stderr, "usage: floor_parse FILE.yaml\n");
		return 1;
	}
	yaml_parser_initialize(&p);
	yaml_parser_set_input_file(&p, f);
	while (!done) {
		if (!yaml_parser_parse(&p, &e)) {
			fprintf(stderr, "floor_parse: %s at line %zu\n", p.problem ? p.problem : "error",
				p.problem_mark.line + 1);
			return 1;
		}
		done = e.type == YAML_STREAM_END_EVENT;
		yaml_event_delete(&e);
		events++;
	}
	yaml_parser_delete(&p);
	fclose(f);
	printf("%lu events\n", events);
	return 0;
}
