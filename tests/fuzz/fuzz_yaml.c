/* SPDX-License-Identifier: MIT */
/*
 * fuzz_yaml.c - libFuzzer target: any bytes through the YAML loader.
 *
 * Every document is walked through its location map, so a position that
 * points outside the tree or a tree the map does not describe shows up
 * as a sanitizer report. Small limits keep each input fast.
 */
#include <stddef.h>
#include <stdint.h>

#include "yaml_load.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void walk(const struct am_locmap *m, json_t *v, char *ptr, size_t len,
		 size_t cap)
{
	struct am_loc k, l;

	am_locmap_get(m, ptr, &k, &l);
	if (json_is_object(v)) {
		const char *key;
		json_t *child;

		json_object_foreach(v, key, child) {
			int n = snprintf(ptr + len, cap - len, "/%s", key);

			if (n > 0 && (size_t)n < cap - len)
				walk(m, child, ptr, len + (size_t)n, cap);
			ptr[len] = '\0';
		}
	} else if (json_is_array(v)) {
		size_t i;
		json_t *child;

		json_array_foreach(v, i, child) {
			int n = snprintf(ptr + len, cap - len, "/%zu", i);

			if (n > 0 && (size_t)n < cap - len)
				walk(m, child, ptr, len + (size_t)n, cap);
			ptr[len] = '\0';
		}
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct am_yaml_limits lim = { 1 << 20, 64, 20000 };
	struct am_yaml_reader *r;
	struct am_yaml_doc doc;
	char ptr[4096];

	if (am_yaml_reader_new_buf(&r, "fuzz.yaml", (const char *)data, size,
				   &lim) < 0)
		return 0;
	while (am_yaml_reader_next(r, &doc) == 1) {
		ptr[0] = '\0';
		walk(doc.locs, doc.root, ptr, 0, sizeof(ptr));
		am_yaml_doc_release(&doc);
	}
	am_yaml_reader_free(r);
	return 0;
}
