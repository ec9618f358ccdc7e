// Package e2e holds Parley's browser tests: headless Chromium (Debian's chromium package) driven
// through chromedp against a real `parley serve` started in-process with cli.Run, and a host page
// served from a different origin, as in production.
//
// The tests prove what unit tests cannot: that the widget renders and works in a real browser,
// that a reader gets no cookies, no storage and no request to anyone but Parley (promises P1 and
// P2), that hostile comments stay inert, and that an accessibility scan (axe-core, installed with
// `npm ci` in this directory) finds nothing serious.
//
// Without Chromium the tests skip with a message, unless PARLEY_E2E_REQUIRED=1 (as in CI), which
// makes a missing browser or axe-core a failure. PARLEY_SCREENSHOTS=1 rewrites docs/screenshots.
// This package must never reach beyond the loopback interface.
package e2e
