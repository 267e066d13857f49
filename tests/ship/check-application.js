#!/usr/bin/env node
// check-application.js APPLICATION PLUGIN PARAMETERS_JSON - the example
// Application selects the plugin that cmp/plugin.yaml registers: its
// plugin.name is "<metadata.name>-<spec.version>" (the socket name
// argocd-cmp-server serves), its path holds the file discovery looks for,
// and each parameter it sets is one `argomig parameters` announces there.
"use strict";

const fs = require("fs");
const path = require("path");
const assert = require("assert");
const YAML = require("yaml"); // NODE_PATH=tools/node/node_modules

const [appFile, pluginFile, paramsFile] = process.argv.slice(2);
const app = YAML.parse(fs.readFileSync(appFile, "utf8"));
const plugin = YAML.parse(fs.readFileSync(pluginFile, "utf8"));
const announced = JSON.parse(fs.readFileSync(paramsFile, "utf8")).map((p) => p.name);
const top = path.resolve(path.dirname(pluginFile), "..");

const { check, done } = require("./checks");
const src = app.spec.source;
check("plugin name", () => {
	const want = plugin.spec.version ? `${plugin.metadata.name}-${plugin.spec.version}` : plugin.metadata.name;
	assert.strictEqual(src.plugin.name, want);
});
check("discovery matches the path", () =>
	assert.ok(fs.existsSync(path.join(top, src.path, plugin.spec.discover.fileName)),
		`no ${plugin.spec.discover.fileName} in ${src.path}`));
check("parameters are announced", () => {
	for (const p of src.plugin.parameters || [])
		assert.ok(announced.includes(p.name), `"${p.name}" is not announced`);
});
done("application");
