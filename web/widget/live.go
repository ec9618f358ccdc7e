package widget

import (
	_ "embed"
)

//go:embed live.js
var liveJS string

// LiveScript returns the live updates module exactly as it is served at /live.js: live.js with
// full-line comments and indentation removed. The widget imports it only when a thread's
// settings say the server streams its changes, so it is not part of the widget's size budget.
func LiveScript() []byte { return []byte(MinifyJS(liveJS)) }
