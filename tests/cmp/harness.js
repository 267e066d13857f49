#!/usr/bin/env node
// harness.js ARGOMIG VERSION - run argomig the way argocd-cmp-server runs
// the plugin in cmp/plugin.yaml (reference/argocd.md §1-§3), for every
// example, and check what Argo CD would do with the result.
//
// For each examples/<app>/: the example is copied as apps/<app>/ into a
// fresh repository under <tmp>/_cmp_server/<id>/ with a .git directory and
// file modes reset to 0644/0755, as the sidecar extracts it. The discover
// and generate commands of cmp/plugin.yaml then run exactly as written,
// without a shell, with cwd the app path, the sidecar's own minimal
// environment plus exactly the variables Argo CD sets (both forms of
// ARGOCD_APP_NAME, ARGOCD_ENV_*, ARGOCD_APP_PARAMETERS and the PARAM_*
// derived from it as Argo CD derives them). Stdout is parsed as a YAML
// stream after trimming one trailing newline, as the sidecar does. The
// failure paths (a broken spec, a malformed override) must exit non-zero
// with one secret-free line on stderr and nothing on stdout.
"use strict";

const fs = require("fs");
const os = require("os");
const path = require("path");
const crypto = require("crypto");
const { spawnSync } = require("child_process");
const { createRequire } = require("module");

const top = path.resolve(__dirname, "..", "..");
const need = createRequire(path.join(top, "tools", "node", "package.json"));
const YAML = need("yaml");
const { validateDoc: problems } = require(path.join(top, "tools", "node", "validate-k8s.js"));

const [argomigArg, version] = process.argv.slice(2);
if (!argomigArg || !version) {
	console.error("usage: harness.js ARGOMIG VERSION");
	process.exit(2);
}
const binDir = path.dirname(path.resolve(argomigArg));
if (path.basename(argomigArg) !== "argomig") {
	console.error("harness.js: ARGOMIG must be a file named argomig (plugin.yaml runs \"argomig\")");
	process.exit(2);
}

let failures = 0, checks = 0;
function check(ok, what) {
	checks++;
	if (!ok) {
		failures++;
		console.log("FAIL " + what);
	}
	return ok;
}

// --- plugin.yaml -----------------------------------------------------------

const pluginText = fs.readFileSync(path.join(top, "cmp", "plugin.yaml"), "utf8");
const plugin = YAML.parse(pluginText);
const readKeys = {
	"": ["apiVersion", "kind", "metadata", "spec"],
	metadata: ["name"],
	spec: ["version", "init", "generate", "discover", "parameters", "preserveFileMode", "provideGitCreds"],
	"spec.generate": ["command", "args"],
	"spec.discover": ["fileName", "find"],
	"spec.parameters": ["static", "dynamic"],
	"spec.parameters.dynamic": ["command", "args"],
};
for (const [where, keys] of Object.entries(readKeys)) {
	const obj = where ? where.split(".").reduce((o, k) => o && o[k], plugin) : plugin;
	if (!obj)
		continue;
	for (const k of Object.keys(obj))
		check(keys.includes(k), `plugin.yaml: ${where || "top level"}: Argo CD does not read "${k}"`);
}
check(plugin.kind === "ConfigManagementPlugin", "plugin.yaml: kind must be ConfigManagementPlugin");
check(plugin.metadata && plugin.metadata.name === "argomig", "plugin.yaml: metadata.name must be argomig");
check(plugin.spec.version === version, `plugin.yaml: spec.version is ${JSON.stringify(plugin.spec.version)}, the Makefile says ${version}`);
const gen = plugin.spec.generate;
check(Array.isArray(gen.command) && gen.command.length > 0, "plugin.yaml: generate.command must be a non-empty list");
check(plugin.spec.discover.fileName === "argomig.yaml", "plugin.yaml: discover.fileName must be argomig.yaml");
const dyn = plugin.spec.parameters.dynamic;
check(Array.isArray(dyn.command) && dyn.command.length > 0, "plugin.yaml: parameters.dynamic.command must be a non-empty list");

// argomig's own rules (plugin-config-invalid among them) find nothing.
const lint = spawnSync(path.resolve(argomigArg), ["lint", "--fail-on", "note", path.join(top, "cmp", "plugin.yaml")],
		       { encoding: "utf8" });
check(lint.status === 0, `argomig lint cmp/plugin.yaml: exit ${lint.status}: ${lint.stdout}${lint.stderr}`);

// Applications among the examples name the plugin as Argo CD serves it.
const pluginName = `${plugin.metadata.name}-${plugin.spec.version}`;
for (const dir of fs.readdirSync(path.join(top, "examples"))) {
	const d = path.join(top, "examples", dir);
	if (!fs.statSync(d).isDirectory())
		continue;
	for (const f of fs.readdirSync(d).filter((n) => /\.ya?ml$/.test(n))) {
		for (const doc of YAML.parseAllDocuments(fs.readFileSync(path.join(d, f), "utf8"))) {
			const o = doc.errors.length ? null : doc.toJS();
			const p = o && o.kind === "Application" && o.spec && o.spec.source && o.spec.source.plugin;
			if (p && /^argomig/.test(p.name || ""))
				check(p.name === pluginName, `examples/${dir}/${f}: plugin name ${p.name}, Argo CD serves ${pluginName}`);
		}
	}
}

// --- a repository as the sidecar extracts it ---------------------------------

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "argomig-cmp-"));
process.on("exit", () => fs.rmSync(tmp, { recursive: true, force: true }));

function copyTree(src, dst) {
	fs.mkdirSync(dst, { recursive: true });
	for (const e of fs.readdirSync(src, { withFileTypes: true })) {
		const s = path.join(src, e.name), d = path.join(dst, e.name);
		if (e.isDirectory())
			copyTree(s, d);
		else if (e.isFile())
			fs.copyFileSync(s, d);
	}
}

function resetModes(dir) {
	fs.chmodSync(dir, 0o755);
	for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
		const p = path.join(dir, e.name);
		if (e.isDirectory())
			resetModes(p);
		else if (e.isFile())
			fs.chmodSync(p, 0o644);
	}
}

function listing(dir) {
	const out = [];
	(function walk(d) {
		for (const e of fs.readdirSync(d, { withFileTypes: true }).sort((a, b) => a.name < b.name ? -1 : 1)) {
			const p = path.join(d, e.name);
			const st = fs.lstatSync(p);
			out.push(`${path.relative(dir, p)} ${st.mode.toString(8)} ${st.size} ${st.mtimeMs}`);
			if (e.isDirectory())
				walk(p);
		}
	})(dir);
	return out.join("\n");
}

// A fresh work dir holding the example as apps/<app>; returns the app path.
function extract(app, edit) {
	const work = path.join(tmp, "_cmp_server", crypto.randomUUID());
	const appPath = path.join(work, "apps", app);
	copyTree(path.join(top, "examples", app), appPath);
	fs.mkdirSync(path.join(work, ".git", "refs"), { recursive: true });
	fs.writeFileSync(path.join(work, ".git", "HEAD"), "ref: refs/heads/main\n");
	fs.writeFileSync(path.join(work, "README.md"), "deploy repository\n");
	if (edit)
		edit(appPath);
	resetModes(work);
	return appPath;
}

// --- the environment ---------------------------------------------------------

// ApplicationSourcePluginParameters.Environ: PARAM_<ESCAPED>[_<i>|_<KEY>].
function escaped(s) {
	return s.toUpperCase().replace(/[^A-Z0-9_]/g, "_");
}
function paramEnv(params) {
	const env = {};
	for (const p of params || []) {
		const base = "PARAM_" + escaped(p.name);
		if (p.string !== undefined)
			env[base] = p.string;
		(p.array || []).forEach((v, i) => { env[`${base}_${i}`] = v; });
		for (const [k, v] of Object.entries(p.map || {}))
			env[`${base}_${escaped(k)}`] = v;
	}
	return env;
}

const revision = "4f2a9c1e7b3d5f60812a4c6e8b0d2f4a6c8e0b13";
const sidecarEnv = { PATH: `${binDir}:/usr/bin:/bin`, HOME: tmp };

// newEnv(): what every command gets.
function buildEnv(app, appName) {
	return {
		ARGOCD_APP_NAME: appName,
		ARGOCD_APP_NAMESPACE: `${app}-prod`,
		ARGOCD_APP_PROJECT_NAME: "default",
		ARGOCD_APP_REVISION: revision,
		ARGOCD_APP_REVISION_SHORT: revision.slice(0, 7),
		ARGOCD_APP_REVISION_SHORT_8: revision.slice(0, 8),
		ARGOCD_APP_SOURCE_REPO_URL: "https://git.example.com/acme/deploy.git",
		ARGOCD_APP_SOURCE_PATH: `apps/${app}`,
		ARGOCD_APP_SOURCE_TARGET_REVISION: "main",
	};
}

// The generate env of an Application with a plugin: section.
function pluginEnv(app, appName, pluginSection) {
	const env = Object.assign({}, sidecarEnv, buildEnv(app, appName), {
		KUBE_VERSION: "1.30.2",
		KUBE_API_VERSIONS: "apps/v1,apps/v1/Deployment,batch/v1,batch/v1/Job,policy/v1,policy/v1/PodDisruptionBudget,v1,v1/ConfigMap,v1/Service",
	});
	for (const e of pluginSection.env || [])
		env["ARGOCD_ENV_" + e.name] = e.value;
	env.ARGOCD_APP_PARAMETERS = JSON.stringify(pluginSection.parameters === undefined ? null : pluginSection.parameters);
	Object.assign(env, paramEnv(pluginSection.parameters));
	return env;
}

// GetParametersAnnouncement: a smaller env.
function announceEnv(app, appName, pluginSection) {
	const full = pluginEnv(app, appName, pluginSection);
	const env = Object.assign({}, sidecarEnv);
	for (const [k, v] of Object.entries(full))
		if (["ARGOCD_APP_NAME", "ARGOCD_APP_SOURCE_REPO_URL", "ARGOCD_APP_SOURCE_PATH",
		     "ARGOCD_APP_SOURCE_TARGET_REVISION", "ARGOCD_APP_PARAMETERS"].includes(k) ||
		    k.startsWith("ARGOCD_ENV_") || k.startsWith("PARAM_"))
			env[k] = v;
	return env;
}

// --- running the plugin's commands -------------------------------------------

function discover(appPath) {
	const name = plugin.spec.discover.fileName;
	if (/[*?[]/.test(name))
		throw new Error("harness: glob patterns in discover.fileName are not supported");
	return fs.existsSync(path.join(appPath, name));
}

function run(command, appPath, env) {
	const c = command.command.concat(command.args || []);
	const r = spawnSync(c[0], c.slice(1), { cwd: appPath, env, encoding: "utf8", timeout: 60000 });
	if (r.error)
		throw r.error;
	return r;
}

// The sidecar trims one trailing newline, then splits the YAML stream.
function parseStream(stdout) {
	const text = stdout.endsWith("\n") ? stdout.slice(0, -1) : stdout;
	const docs = YAML.parseAllDocuments(text);
	const objs = [];
	for (const d of docs) {
		if (d.errors.length)
			return { error: d.errors[0].message };
		const v = d.toJS();
		if (v !== null)
			objs.push(v);
	}
	return { objs };
}

const dns1123 = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;

function checkObjects(app, objs, want) {
	const tag = `${app} (${want.label})`;
	check(objs.length > 0, `${tag}: no objects`);
	const waves = {};
	for (const o of objs) {
		const id = `${tag}: ${o.kind}/${o.metadata && o.metadata.name}`;
		check(typeof o.apiVersion === "string" && typeof o.kind === "string", `${id}: no apiVersion or kind`);
		const name = o.metadata.name;
		check(dns1123.test(name) && name.length <= 63, `${id}: name is not a DNS-1123 label of at most 63 characters`);
		for (const [k, v] of Object.entries(o.metadata.annotations || {}))
			check(typeof v === "string", `${id}: annotation ${k} is not a string`);
		for (const p of problems(o))
			check(false, `${id}: schema: ${p}`);
		const ann = o.metadata.annotations || {};
		const labels = o.metadata.labels || {};
		if (labels["app.kubernetes.io/managed-by"] !== "argomig")
			continue;	// an include:d object, passed through
		check(ann["argomig.io/revision"] === revision, `${id}: argomig.io/revision is not ARGOCD_APP_REVISION`);
		check(labels["app.kubernetes.io/name"] === want.name, `${id}: app.kubernetes.io/name is not ${want.name}`);
		waves[`${o.kind}/${labels["app.kubernetes.io/component"]}`] = {
			wave: Number(ann["argocd.argoproj.io/sync-wave"]), hook: ann["argocd.argoproj.io/hook"], obj: o,
		};
	}
	const dep = waves["Deployment/server"];
	if (!check(dep, `${tag}: no Deployment`))
		return;
	check(dep.obj.metadata.name === want.name, `${tag}: the Deployment is not named ${want.name}`);
	check(dep.obj.spec.replicas === want.replicas, `${tag}: replicas ${dep.obj.spec.replicas}, expected ${want.replicas}`);
	check(dep.obj.spec.template.spec.containers[0].image === want.image, `${tag}: app image ${dep.obj.spec.template.spec.containers[0].image}, expected ${want.image}`);
	check(dep.obj.spec.strategy.rollingUpdate.maxUnavailable === 0, `${tag}: maxUnavailable is not 0`);
	check(!dep.obj.spec.template.spec.initContainers, `${tag}: the Deployment has init containers`);
	const mig = waves["Job/migration"];
	if (check(mig, `${tag}: no migration Job`)) {
		check(mig.hook === "PreSync" && mig.wave === 0, `${tag}: the migration Job is not a PreSync hook at wave 0`);
		check(mig.obj.spec.template.spec.containers[0].image === want.migrationImage, `${tag}: migration image ${mig.obj.spec.template.spec.containers[0].image}, expected ${want.migrationImage}`);
		check(mig.obj.spec.backoffLimit <= 2 && mig.obj.spec.activeDeadlineSeconds > 0, `${tag}: the migration Job has no safe retry budget and deadline`);
	}
	const pre = waves["Job/preflight"];
	if (pre) {
		check(pre.hook === "PreSync" && pre.wave === -1, `${tag}: the preflight Job is not a PreSync hook at wave -1`);
		const rules = pre.obj.spec.podFailurePolicy.rules;
		const action = (code) => (rules.find((r) => r.onExitCodes && r.onExitCodes.values.includes(code)) || {}).action;
		check(action(75) === "Count" && action(3) === "FailJob" && action(4) === "FailJob", `${tag}: podFailurePolicy does not map 75 to Count and 3, 4 to FailJob`);
	}
	const cm = waves["ConfigMap/migrations"];
	if (cm)
		check(cm.hook === "PreSync" && cm.wave < (pre ? pre.wave : 0), `${tag}: the migrations ConfigMap is not a PreSync hook before the Jobs`);
	const smoke = waves["Job/smoke-test"];
	if (smoke)
		check(smoke.hook === "PostSync", `${tag}: the smoke Job is not a PostSync hook`);
}

function generateOk(app, appPath, env, want) {
	const before = listing(path.dirname(path.dirname(appPath)));
	if (!check(discover(appPath), `${app}: discover.fileName does not match the app path`))
		return null;
	const r = run(plugin.spec.generate, appPath, env);
	check(r.status === 0, `${app} (${want.label}): generate exited ${r.status}: ${r.stderr}`);
	check(r.stderr === "", `${app} (${want.label}): generate wrote to stderr: ${r.stderr}`);
	check(r.stdout.length > 0, `${app} (${want.label}): empty stdout (Argo CD would prune everything)`);
	check(listing(path.dirname(path.dirname(appPath))) === before, `${app} (${want.label}): generate changed the repository`);
	const s = parseStream(r.stdout);
	if (!check(!s.error, `${app} (${want.label}): stdout is not a YAML stream: ${s.error}`))
		return null;
	checkObjects(app, s.objs, want);
	return r.stdout;
}

function generateFails(app, appPath, env, label, mustMention, secrets) {
	const r = run(plugin.spec.generate, appPath, env);
	check(r.status !== 0, `${app} (${label}): generate exited 0`);
	check(r.stdout === "", `${app} (${label}): generate printed to stdout on failure`);
	check(/^[^\n]+\n$/.test(r.stderr), `${app} (${label}): stderr is not exactly one line: ${JSON.stringify(r.stderr)}`);
	check(r.stderr.includes(mustMention), `${app} (${label}): stderr does not mention ${mustMention}: ${r.stderr}`);
	for (const s of secrets)
		check(!r.stderr.includes(s), `${app} (${label}): stderr shows a secret value`);
}

// --- the runs ---------------------------------------------------------------

const apps = fs.readdirSync(path.join(top, "examples"))
	.filter((d) => fs.existsSync(path.join(top, "examples", d, "argomig.yaml"))).sort();
check(apps.length > 0, "no examples/*/argomig.yaml");

for (const app of apps) {
	const spec = YAML.parse(fs.readFileSync(path.join(top, "examples", app, "argomig.yaml"), "utf8"));
	const specImage = spec.spec.app.image;
	const specMigImage = spec.spec.migration.image;
	const appPath = extract(app);
	const paramImage = specImage.replace(/:[^:/]+$/, ":9.9.9");
	const section = {
		env: [{ name: "REPLICAS", value: "4" }, { name: "log-level", value: "debug" }],
		parameters: [
			{ name: "image", string: paramImage },
			{ name: "extra-args", array: ["--verbose"] },
			{ name: "job-env", map: { "team.name": "payments" } },
		],
	};
	const want = { label: "plugin env and parameters", name: app, replicas: 4, image: paramImage, migrationImage: specMigImage };

	// Both forms of ARGOCD_APP_NAME render the same bytes.
	const plain = generateOk(app, appPath, pluginEnv(app, app, section), want);
	const nsForm = generateOk(app, appPath, pluginEnv(app, `argocd-apps_${app}`, section),
				  Object.assign({}, want, { label: "ARGOCD_APP_NAME <ns>_<name>" }));
	check(plain !== null && plain === nsForm, `${app}: "<namespace>_<name>" and "<name>" render differently`);

	// A parameter beats plugin env; the migration image parameter applies.
	const migParam = "registry.example.com/migrator:2.0.0";
	generateOk(app, appPath, pluginEnv(app, app, {
		env: section.env,
		parameters: [{ name: "replicas", string: "5" }, { name: "migration-image", string: migParam }],
	}), Object.assign({}, want, { label: "parameters over env", replicas: 5, image: specImage, migrationImage: migParam }));

	// plugin: {} without parameters: ARGOCD_APP_PARAMETERS is "null".
	generateOk(app, appPath, pluginEnv(app, app, {}),
		   Object.assign({}, want, { label: "ARGOCD_APP_PARAMETERS null", replicas: spec.spec.app.replicas || 2, image: specImage }));

	// Auto-discovered (no plugin: section): only the ARGOCD_APP_* variables.
	generateOk(app, appPath, Object.assign({}, sidecarEnv, buildEnv(app, app)),
		   Object.assign({}, want, { label: "auto-discovery env", replicas: spec.spec.app.replicas || 2, image: specImage }));

	// The UI's parameter announcements, with the values in effect as defaults.
	const ann = run(dyn, appPath, announceEnv(app, app, section));
	check(ann.status === 0, `${app}: parameters exited ${ann.status}: ${ann.stderr}`);
	let list = null;
	try {
		list = JSON.parse(ann.stdout);
	} catch (e) {
		check(false, `${app}: parameters did not print JSON: ${e.message}`);
	}
	if (list && check(Array.isArray(list), `${app}: parameters did not print a JSON array`)) {
		for (const p of list) {
			check(typeof p.name === "string" && typeof p.title === "string", `${app}: announcement without name or title`);
			check(p.required === undefined || typeof p.required === "boolean", `${app}: announcement ${p.name}: required is not a boolean`);
			check(p.collectionType === "string" && typeof p.string === "string", `${app}: announcement ${p.name}: not a string parameter`);
		}
		const byName = Object.fromEntries(list.map((p) => [p.name, p.string]));
		check(byName.image === paramImage && byName.replicas === "4" && byName["migration-image"] === specMigImage,
		      `${app}: announced defaults are not the values in effect: ${JSON.stringify(byName)}`);
	}
}

// Discovery does not match a directory without argomig.yaml.
check(!discover(path.dirname(extract("orders"))), "discover matched a directory without argomig.yaml");

// Failure paths: nothing on stdout, one line on stderr, no secret in it.
const secrets = ["hunter2-do-not-print", "s3cr3t-env-value"];
const failing = {
	env: [{ name: "DB_PASSWORD", value: secrets[1] }],
	parameters: [{ name: "db-password", string: secrets[0] }],
};
const broken = extract("orders", (p) => {
	const f = path.join(p, "argomig.yaml");
	fs.writeFileSync(f, fs.readFileSync(f, "utf8").replace("retries: 0", "retries: 6"));
});
generateFails("orders", broken, pluginEnv("orders", "orders", failing), "broken spec",
	      "argomig.yaml:", secrets);
const ordersPath = extract("orders");
generateFails("orders", ordersPath, pluginEnv("orders", "orders", {
	env: failing.env.concat([{ name: "REPLICAS", value: "three" }]), parameters: failing.parameters,
}), "malformed plugin env", "ARGOCD_ENV_REPLICAS", secrets);
const badParams = pluginEnv("orders", "orders", failing);
badParams.ARGOCD_APP_PARAMETERS = "[{\"name\": \"image\", ";
generateFails("orders", ordersPath, badParams, "malformed ARGOCD_APP_PARAMETERS", "ARGOCD_APP_PARAMETERS", secrets);

if (failures) {
	console.log(`cmp: ${failures} of ${checks} checks failed`);
	process.exit(1);
}
console.log(`cmp: ${checks} checks pass for ${apps.length} examples`);
