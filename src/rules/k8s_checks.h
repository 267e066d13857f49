/* SPDX-License-Identifier: MIT */
/*
 * k8s_checks.h - prototypes of the Kubernetes rule checks, generated from
 * k8s.def so a check's signature cannot drift from its registry row.
 */
#ifndef AM_K8S_CHECKS_H
#define AM_K8S_CHECKS_H

#include "rules/rules.h"

#define AM_RULE(id, tgt, sev, fn, summary) am_check_fn fn;
#define AM_RULE_BUILTIN(id, sev, summary)
#include "rules/k8s.def"
#undef AM_RULE
#undef AM_RULE_BUILTIN

#endif
