#!/usr/bin/env node
// check-install.js VERSION ORIGINAL MERGED REMOVED - the sidecar that
// manifests/ adds to argocd-repo-server is the one Argo CD documents
// (reference/argocd.md §1 and §5), it changes nothing else, and the removal
// patch restores the original.
//
// ORIGINAL is tests/ship/argocd-repo-server.yaml, MERGED the result of
// `kubectl patch --local` with `kubectl kustomize manifests/`, REMOVED that
// result patched with manifests/remove-argomig-sidecar.yaml. Prints one line
// per failed check and a summary; exits 1 on any failure.
"use strict";

const fs = require("fs");
const assert = require("assert");
const YAML = require("yaml") // NODE_PATH=tools/node/node_modules;

const [version, originalFile, mergedFile, removedFile] = process.argv.slice(2);
const load = (f) => YAML.parse(fs.readFileSync(f, "utf8"));
const original = load(originalFile);
const merged = load(mergedFile);
const removed = load(removedFile);

// Empty maps (annotations: {} after removing the last annotation) are absent.
function prune(v) {
	if (Array.isArray(v))
		return v.map(prune);
	if (v && typeof v === "object") {
		const out = {};
		for (const [k, x] of Object.entries(v)) {
			const p = prune(x);
			if (!(p && typeof p === "object" && !Array.isArray(p) && Object.keys(p).length === 0))
				out[k] = p;
		}
		return out;
	}
	return v;
}

const { check, done } = require("./checks");

const pod = merged.spec.template.spec;
const byName = (list, name) => (list || []).find((x) => x.name === name);
const side = byName(pod.containers, "argomig");
const mount = (path) => (side.volumeMounts || []).find((m) => m.mountPath === path);

check("sidecar present", () => assert.ok(side, "no container named argomig"));
check("image is this version", () =>
	assert.strictEqual(side.image, `ghcr.io/argomig/argomig-cmp:${version}`));
check("entrypoint is argocd-cmp-server", () =>
	assert.deepStrictEqual(side.command, ["/var/run/argocd/argocd-cmp-server"]));
check("runs as user 999, non-root", () => {
	assert.strictEqual(side.securityContext.runAsUser, 999);
	assert.strictEqual(side.securityContext.runAsNonRoot, true);
});
check("hardened like the repo-server", () => {
	const sc = side.securityContext;
	assert.strictEqual(sc.readOnlyRootFilesystem, true);
	assert.strictEqual(sc.allowPrivilegeEscalation, false);
	assert.deepStrictEqual(sc.capabilities.drop, ["ALL"]);
	assert.strictEqual(sc.seccompProfile.type, "RuntimeDefault");
});
check("requests and limits", () => {
	for (const kind of ["requests", "limits"])
		for (const r of ["cpu", "memory"])
			assert.ok(side.resources[kind][r], `no ${kind}.${r}`);
});
check("var-files mounted at /var/run/argocd", () =>
	assert.strictEqual(mount("/var/run/argocd").name, "var-files"));
check("plugins mounted at /home/argocd/cmp-server/plugins", () =>
	assert.strictEqual(mount("/home/argocd/cmp-server/plugins").name, "plugins"));
check("own writable /tmp, not the repo-server's", () => {
	const tmp = mount("/tmp");
	assert.ok(tmp, "no /tmp mount");
	const repoTmp = (byName(pod.containers, "argocd-repo-server").volumeMounts || [])
		.find((m) => m.mountPath === "/tmp");
	assert.notStrictEqual(tmp.name, repoTmp && repoTmp.name);
	assert.deepStrictEqual(byName(pod.volumes, tmp.name).emptyDir, {});
});
check("plugin.yaml is baked, not mounted", () =>
	assert.ok(!(side.volumeMounts || []).some((m) => m.mountPath.startsWith("/home/argocd/cmp-server/config"))));
check("repo-server container unchanged", () =>
	assert.deepStrictEqual(byName(pod.containers, "argocd-repo-server"),
		byName(original.spec.template.spec.containers, "argocd-repo-server")));
check("repo-server stays the default container", () =>
	assert.strictEqual(merged.spec.template.metadata.annotations["kubectl.kubernetes.io/default-container"],
		"argocd-repo-server"));
check("init containers unchanged", () =>
	assert.deepStrictEqual(pod.initContainers, original.spec.template.spec.initContainers));
check("only the sidecar volume added", () =>
	assert.deepStrictEqual(pod.volumes.filter((v) => v.name !== "argomig-tmp"),
		original.spec.template.spec.volumes));
check("selector and metadata unchanged", () => {
	assert.deepStrictEqual(merged.spec.selector, original.spec.selector);
	assert.deepStrictEqual(merged.metadata, original.metadata);
});
check("removal restores the original", () =>
	assert.deepStrictEqual(prune(removed), prune(original)));

done("install");
