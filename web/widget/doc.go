// Package widget holds the embed widget that host pages load from /js/parley.js: its vanilla
// JavaScript and CSS sources and its translations, all embedded in the binary.
//
// Script assembles the single file that is served (the stylesheet and the English messages are
// inlined, comments and indentation are stripped), and Messages hands one translation to the
// thread API so that only the language a page needs travels with the thread.
//
// This package must never add a build step to running Parley, a framework or any third-party
// runtime code to the widget, and never let the served file grow past the 12 kB gzip budget
// that internal/assets tests.
package widget
