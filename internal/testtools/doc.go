// Package testtools decides, in one place, what a test does when an outside tool it relies on
// (node, axe-core, Chromium) is not installed: it skips with a message that says how to install
// the tool, unless CI asked for everything to run (PARLEY_E2E_REQUIRED=1), in which case the
// test fails. It is for tests only and must never be imported by the program itself.
package testtools
