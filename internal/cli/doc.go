// Package cli is the parley command: it parses subcommands and flags, wires
// the dependencies of each command together, and runs the server's
// lifecycle with graceful shutdown.
//
// It must never hold package-level state: everything comes from the
// arguments of Run, so a test can run the real command end to end.
package cli
