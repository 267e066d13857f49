// checks.js - counting checks for the node test scripts: check(NAME, fn)
// runs fn and counts an exception as a failure (with its first line);
// done(FAMILY) prints "FAMILY: N passed, M failed" and sets the exit code.
"use strict";

let passed = 0;
let failed = 0;

function check(name, fn) {
	try {
		fn();
		passed++;
	} catch (e) {
		failed++;
		console.log(`FAIL ${name}: ${e.message.split("\n")[0]}`);
	}
}

function done(family) {
	console.log(`${family}: ${passed} passed, ${failed} failed`);
	process.exitCode = failed ? 1 : 0;
}

module.exports = { check, done };
