// Package config loads Parley's one Config struct from flags, PARLEY_*
// environment variables and an optional config file, validates it, and
// prints it with secrets masked.
//
// It must never read the environment itself (the caller passes getenv) and
// never print a secret.
package config
