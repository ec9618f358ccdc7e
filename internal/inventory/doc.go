// Package inventory is Parley's data inventory: for every table, what a
// row is and how long it is kept, and for every column of a table that
// holds personal data, whether it is personal, why it is stored, who is
// shown it and for how long it is kept (issue 12, promise P8).
//
// It is the one source of these facts: the tests that walk the live schema
// (the export test in package api, this package's schema test) classify
// columns with it, docs/privacy.md's inventory is generated from it and
// checked to be current, and `parley privacy-policy` writes a privacy
// policy template from it with the operator's settings filled in.
//
// It must never touch the database or hold values: it describes columns.
package inventory
