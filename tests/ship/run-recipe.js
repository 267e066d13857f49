#!/usr/bin/env node
// run-recipe.js github|gitlab RECIPE REPO OUT - run a CI recipe from
// examples/ci/ as its CI service would, as far as this machine allows.
//
// github: every step of the workflow's single job in order, in REPO. A
//   `run:` step gets its `env:` (the only expression allowed is
//   ${{ github.base_ref }}, from GITHUB_BASE_REF) and runs under
//   `bash --noprofile --norc -eo pipefail`, as on GitHub's runners.
//   actions/checkout is checked (fetch-depth 0; REPO is already the
//   checkout); upload-sarif records the file it would upload.
// gitlab: the script lines of the file's one job, in REPO, in one shell
//   with `set -e`, after its variables; CI_* come from the environment.
//   GITLAB_SHELL (default "sh -c") runs the script, so the image test can
//   run it inside the image.
//
// `docker` is whatever PATH provides: tests/ship/docker (the host binary)
// or the image test's podman wrapper. Writes OUT/status, OUT/stdout,
// OUT/stderr and, for github, OUT/sarif (the path of the uploaded file).
"use strict";

const fs = require("fs");
const path = require("path");
const { spawnSync } = require("child_process");
const YAML = require("yaml"); // NODE_PATH=tools/node/node_modules

const [mode, recipe, repo, out] = process.argv.slice(2);
const doc = YAML.parse(fs.readFileSync(recipe, "utf8"));
fs.mkdirSync(out, { recursive: true });

function expr(value) {
	return String(value).replace(/\$\{\{\s*([^}]*?)\s*\}\}/g, (_, e) => {
		if (e === "github.base_ref")
			return process.env.GITHUB_BASE_REF;
		throw new Error(`run-recipe.js: unsupported expression \${{ ${e} }}`);
	});
}

function finish(r) {
	fs.writeFileSync(path.join(out, "status"), String(r.status) + "\n");
	fs.writeFileSync(path.join(out, "stdout"), r.stdout || "");
	fs.writeFileSync(path.join(out, "stderr"), r.stderr || "");
}

function github() {
	const jobs = Object.values(doc.jobs);
	if (jobs.length !== 1)
		throw new Error("expected one job");
	let last = { status: 0, stdout: "", stderr: "" };
	for (const step of jobs[0].steps) {
		if (step.uses && step.uses.startsWith("actions/checkout@")) {
			if (!step.with || step.with["fetch-depth"] !== 0)
				throw new Error("actions/checkout needs fetch-depth: 0 for --base");
			continue;
		}
		if (step.uses && step.uses.startsWith("github/codeql-action/upload-sarif@"))
			continue; // recorded below
		if (step.uses)
			throw new Error(`unknown action ${step.uses}`);
		const env = { ...process.env };
		for (const [k, v] of Object.entries(step.env || {}))
			env[k] = expr(v);
		last = spawnSync("bash", ["--noprofile", "--norc", "-eo", "pipefail", "-c", step.run],
			{ cwd: repo, env, encoding: "utf8" });
		if (last.status !== 0)
			break; // later steps run only with if: conditions; upload-sarif is one
	}
	// upload-sarif runs after a failed lint step (its if: is !cancelled()).
	const upload = jobs[0].steps.find((s) => s.uses && s.uses.startsWith("github/codeql-action/upload-sarif@"));
	if (upload)
		fs.writeFileSync(path.join(out, "sarif"), path.resolve(repo, upload.with.sarif_file) + "\n");
	finish(last);
}

function gitlab() {
	const jobs = Object.entries(doc).filter(([, v]) => v && v.script);
	if (jobs.length !== 1)
		throw new Error("expected one job");
	const job = jobs[0][1];
	const env = { ...process.env };
	for (const [k, v] of Object.entries(job.variables || {}))
		env[k] = String(v);
	const script = "set -e\n" + job.script.join("\n") + "\n";
	const shell = (process.env.GITLAB_SHELL || "sh -c").split(" ");
	finish(spawnSync(shell[0], [...shell.slice(1), script], { cwd: repo, env, encoding: "utf8" }));
}

if (mode === "github")
	github();
else if (mode === "gitlab")
	gitlab();
else
	throw new Error("usage: run-recipe.js github|gitlab RECIPE REPO OUT");
