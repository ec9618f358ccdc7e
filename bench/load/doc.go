// Package load is Parley's HTTP load generator: it drives requests at a
// fixed concurrency for a fixed time against any URL (Parley, another
// comment server, or the plain file handler of [Static] that stands for the
// machine's limit) and reports the rate and the latency percentiles, and the
// memory of a local server process read from /proc.
//
// It measures; it never judges. It must not depend on anything of Parley's
// own, so that it can point at other servers for side-by-side runs.
package load
