#!/usr/bin/env node
// validate-k8s.js FILE... - validate Kubernetes and Argo CD objects offline.
//
// Each FILE (or - for stdin) is a YAML stream. Every document must be an
// object with apiVersion and kind, and must pass the JSON schema of its kind
// (kubernetes-models for built-in kinds, @kubernetes-models/argo-cd for
// Application and AppProject): required fields, types, enums, integer and
// quantity formats. The schemas accept unknown fields, so built-in kinds are
// also walked against the field lists of @kubernetes/client-node's API types,
// which catches misspelt keys (readOnlyRootFileSystem) that the API server
// would drop or reject.
//
// Prints one line per problem, "FILE: document N (Kind/name): problem",
// and exits 1 if there is any, 2 on bad usage or unreadable input.
"use strict";

const fs = require("fs");
const YAML = require("yaml");
const k8sTypes = require("@kubernetes/client-node");

function modelFor(apiVersion, kind) {
	let mod;
	try {
		if (apiVersion.startsWith("argoproj.io/"))
			mod = require("@kubernetes-models/argo-cd/" + apiVersion);
		else
			mod = require("kubernetes-models/" + apiVersion);
	} catch (e) {
		return null;
	}
	return mod[kind] || null;
}

// The client-node class for a built-in kind: V1Deployment, V1beta1CronJob.
function typeFor(apiVersion, kind) {
	const version = apiVersion.split("/").pop();
	const name = "V" + version.slice(1) + kind;
	return k8sTypes[name] && k8sTypes[name].getAttributeTypeMap ? name : null;
}

function unknownFields(value, type, path, out) {
	if (value === null || value === undefined)
		return;
	let m = /^Array<(.+)>$/.exec(type);
	if (m) {
		if (Array.isArray(value))
			value.forEach((v, i) => unknownFields(v, m[1], path + "/" + i, out));
		return;
	}
	m = /^\{ \[key: string\]: (.+); \}$/.exec(type);
	if (m) {
		if (typeof value === "object")
			for (const k of Object.keys(value))
				unknownFields(value[k], m[1], path + "/" + k, out);
		return;
	}
	const cls = k8sTypes[type];
	if (!cls || !cls.getAttributeTypeMap || typeof value !== "object" || Array.isArray(value))
		return;
	const fields = new Map(cls.getAttributeTypeMap().map((a) => [a.baseName, a.type]));
	for (const k of Object.keys(value)) {
		if (!fields.has(k))
			out.push(`${path || "/"}: unknown field "${k}"`);
		else
			unknownFields(value[k], fields.get(k), path + "/" + k, out);
	}
}

function validateDoc(obj) {
	const problems = [];
	if (!obj || typeof obj !== "object" || Array.isArray(obj))
		return ["not an object"];
	if (typeof obj.apiVersion !== "string" || typeof obj.kind !== "string")
		return ["no apiVersion or kind"];
	const Model = modelFor(obj.apiVersion, obj.kind);
	if (!Model)
		return [`no schema for ${obj.apiVersion} ${obj.kind}`];
	try {
		new Model(obj).validate();
	} catch (e) {
		problems.push(...String(e.message).split(", ").map((s) => s.replace(/^data/, "")));
	}
	const type = typeFor(obj.apiVersion, obj.kind);
	if (type)
		unknownFields(obj, type, "", problems);
	return problems;
}

function main(args) {
	if (args.length === 0) {
		process.stderr.write("usage: validate-k8s.js FILE|-...\n");
		return 2;
	}
	let bad = 0;
	let count = 0;
	for (const file of args) {
		let text;
		try {
			text = fs.readFileSync(file === "-" ? 0 : file, "utf8");
		} catch (e) {
			process.stderr.write(`validate-k8s.js: ${file}: ${e.message}\n`);
			return 2;
		}
		const docs = YAML.parseAllDocuments(text);
		docs.forEach((doc, i) => {
			const where = `${file}: document ${i + 1}`;
			if (doc.errors.length) {
				doc.errors.forEach((e) => console.log(`${where}: ${e.message.split("\n")[0]}`));
				bad++;
				return;
			}
			const obj = doc.toJS();
			if (obj === null)
				return;
			count++;
			const name = `${obj.kind}/${obj.metadata && obj.metadata.name}`;
			for (const p of validateDoc(obj)) {
				console.log(`${where} (${name}): ${p}`);
				bad++;
			}
		});
	}
	if (count === 0) {
		console.log("validate-k8s.js: no objects in the input");
		return 1;
	}
	return bad ? 1 : 0;
}

if (require.main === module)
	process.exitCode = main(process.argv.slice(2));
module.exports = { validateDoc };
