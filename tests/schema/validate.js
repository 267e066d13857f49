#!/usr/bin/env node
// validate.js FILE... - check every object of YAML streams against the
// Kubernetes API schemas, offline.
//
// Each document must be an object with apiVersion and kind and must pass
// the JSON schema of its kind from kubernetes-models (required fields,
// types, enums, integer and quantity formats). Those schemas accept
// unknown fields, so each object is also walked against the field lists of
// @kubernetes/client-node's API classes: a misspelt or invented key
// (readOnlyRootFileSystem, spec.template.spec.container) is a problem here,
// as it would be for the API server. Prints "FILE: document N (Kind/name):
// problem" per problem; exits 0 when there is none, 1 otherwise, 2 on bad
// usage or unreadable input.
"use strict";

const fs = require("fs");
const path = require("path");
const { createRequire } = require("module");

const nodeDir = path.join(__dirname, "..", "..", "tools", "node");
const need = createRequire(path.join(nodeDir, "package.json"));
const YAML = need("yaml");
const api = need("@kubernetes/client-node");

// kubernetes-models' class for apiVersion + kind, or null.
function modelFor(apiVersion, kind) {
	try {
		return need("kubernetes-models/" + apiVersion)[kind] || null;
	} catch (e) {
		return null;
	}
}

// client-node's class name for a built-in kind: V1Job, V2HorizontalPodAutoscaler.
function classFor(apiVersion, kind) {
	const version = apiVersion.split("/").pop();
	const name = "V" + version.slice(1) + kind;
	return api[name] && api[name].getAttributeTypeMap ? name : null;
}

const primitive = { string: "string", number: "number", boolean: "boolean" };

function walk(value, type, where, out) {
	if (value === null || value === undefined)
		return;
	let m = /^Array<(.+)>$/.exec(type);
	if (m) {
		if (!Array.isArray(value))
			out.push(`${where}: expected a list`);
		else
			value.forEach((v, i) => walk(v, m[1], `${where}/${i}`, out));
		return;
	}
	m = /^\{ \[key: string\]: (.+); \}$/.exec(type);
	if (m) {
		if (typeof value !== "object" || Array.isArray(value))
			out.push(`${where}: expected a mapping`);
		else
			for (const k of Object.keys(value))
				walk(value[k], m[1], `${where}/${k}`, out);
		return;
	}
	if (primitive[type]) {
		if (typeof value !== primitive[type])
			out.push(`${where}: expected a ${type}, got ${JSON.stringify(value)}`);
		return;
	}
	const cls = api[type];
	if (!cls || !cls.getAttributeTypeMap)
		return;	// IntOrString, Date, ...: the schema checks those
	if (typeof value !== "object" || Array.isArray(value)) {
		out.push(`${where}: expected a mapping`);
		return;
	}
	const fields = new Map(cls.getAttributeTypeMap().map((a) => [a.baseName, a.type]));
	for (const k of Object.keys(value)) {
		if (!fields.has(k))
			out.push(`${where || "/"}: unknown field "${k}"`);
		else
			walk(value[k], fields.get(k), `${where}/${k}`, out);
	}
}

function problems(obj) {
	if (!obj || typeof obj !== "object" || Array.isArray(obj))
		return ["not a mapping"];
	if (typeof obj.apiVersion !== "string" || typeof obj.kind !== "string")
		return ["no apiVersion or kind"];
	const Model = modelFor(obj.apiVersion, obj.kind);
	const cls = classFor(obj.apiVersion, obj.kind);
	if (!Model || !cls)
		return [`no schema for ${obj.apiVersion} ${obj.kind}`];
	const out = [];
	try {
		new Model(obj).validate();
	} catch (e) {
		out.push(String(e.message || e).split("\n")[0]);
	}
	walk(obj, cls, "", out);
	return out;
}

function main(files) {
	if (files.length === 0) {
		console.error("usage: validate.js FILE...");
		return 2;
	}
	let bad = 0, objects = 0;
	for (const file of files) {
		let text;
		try {
			text = fs.readFileSync(file === "-" ? 0 : file, "utf8");
		} catch (e) {
			console.error(`validate.js: cannot read ${file}: ${e.message}`);
			return 2;
		}
		YAML.parseAllDocuments(text).forEach((doc, i) => {
			if (doc.errors.length) {
				console.log(`${file}: document ${i + 1}: ${doc.errors[0].message}`);
				bad++;
				return;
			}
			const obj = doc.toJS();
			if (obj === null)
				return;
			objects++;
			const id = `${obj.kind}/${obj.metadata && obj.metadata.name}`;
			for (const p of problems(obj)) {
				console.log(`${file}: document ${i + 1} (${id}): ${p}`);
				bad++;
			}
		});
	}
	if (bad === 0)
		console.log(`schema: ${objects} objects in ${files.length} files are valid`);
	return bad ? 1 : 0;
}

if (require.main === module)
	process.exitCode = main(process.argv.slice(2));
module.exports = { problems };
