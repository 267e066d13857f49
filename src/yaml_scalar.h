/* SPDX-License-Identifier: MIT */
/*
 * yaml_scalar.h - what a plain YAML scalar means to Kubernetes.
 */
#ifndef AM_YAML_SCALAR_H
#define AM_YAML_SCALAR_H

#include <jansson.h>
#include <stddef.h>

/*
 * The JSON value of a plain (unquoted, untagged) scalar 's' of 'len'
 * bytes, resolved as Kubernetes' YAML 1.1 reader (go-yaml v2) resolves
 * it: null, booleans (yes/no/on/off too), integers (with 0x, 0o, 0b,
 * leading-zero octal and '_' separators), finite floats; anything else,
 * .inf and .nan included, stays a string. A new reference.
 */
json_t *am_yaml_scalar_resolve(const char *s, size_t len);

#endif
