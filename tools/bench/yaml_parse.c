/* SPDX-License-Identifier: MIT */
/*
 * yaml_parse.c - the floor `make bench` compares `argomig lint` with:
 * libyaml parsing the same bytes into events and nothing else (no tree,
 * no positions kept, no rules). Prints the number of events.
 *
 * usage: yaml_parse FILE...
 */
#include <stdio.h>
#include <yaml.h>

static int parse(const char *path, unsigned long *events)
{
	FILE *fp = fopen(path, "rb");
	yaml_parser_t parser;
	yaml_event_t event;
	int done = 0, ok = 1;

	if (!fp) {
		perror(path);
		return 0;
	}
	yaml_parser_initialize(&parser);
	yaml_parser_set_input_file(&parser, fp);
	while (!done) {
		if (!yaml_parser_parse(&parser, &event)) {
			fprintf(stderr, "%s: %s\n", path, parser.problem);
			ok = 0;
			break;
		}
		done = event.type == YAML_STREAM_END_EVENT;
		yaml_event_delete(&event);
		(*events)++;
	}
	yaml_parser_delete(&parser);
	fclose(fp);
	return ok;
}

int main(int argc, char **argv)
{
	unsigned long events = 0;
	int i, ok = 1;

	for (i = 1; i < argc; i++)
		ok &= parse(argv[i], &events);
	printf("%lu events\n", events);
	return ok ? 0 : 1;
}
