package inventory

import "strings"

// Class says whether a column holds personal data, and what the person's
// export does with it.
type Class string

// The classes of columns.
const (
	// Exported is personal data whose value is in the person's export.
	Exported Class = "exported"
	// Derived is a keyed index or hash of exported data, or data computed
	// from it; it is erased with it and not exported.
	Derived Class = "derived"
	// Secret is personal but never exported: a hash of a password or token.
	Secret Class = "secret"
	// NotPersonal is about sites, pages or the instance, or linked to no
	// person.
	NotPersonal Class = "not personal"
)

// Personal reports whether the class is personal data.
func (c Class) Personal() bool { return c == Exported || c == Derived || c == Secret }

// Who is shown a value, besides the operator, who holds the database and
// the key and so can read anything.
const (
	Everyone   = "everyone, with the comments"
	Moderators = "the site's owner and moderators (dashboard)"
	Person     = "the person (account, export)"
	Operator   = "the operator (dashboard)"
	NoOne      = "no one"
)

// Table is one table of the schema as the inventory describes it.
type Table struct {
	Name string
	// Holds says what one row is.
	Holds string
	// Kept says how long a row is kept; {PARLEY_…} names a setting of
	// Periods, which the documentation and the policy template spell out
	// (Expand).
	Kept string
	// NotPersonal marks a table none of whose columns holds personal
	// data: its columns need not be listed.
	NotPersonal bool
	// Columns lists every column of a table that is not NotPersonal.
	Columns []Column
}

// Column is one column of a table holding personal data.
type Column struct {
	Name  string
	Class Class
	// Why it is stored; for a NotPersonal column, why it is not personal
	// when that is not obvious.
	Why string
	// Seen says who is shown it ("" for a column that is not personal).
	Seen string
	// Kept overrides the table's Kept for this column ("" keeps it).
	Kept string
}

// Sealed reports whether the column's values are sealed at rest
// (AES-256-GCM): Parley names every sealed column *_sealed.
func (c Column) Sealed() bool { return strings.HasSuffix(c.Name, "_sealed") }

// Lookup returns what the inventory says of a table's column, false when
// it says nothing: the table is unknown, or it holds personal data and does
// not list the column. A column of a NotPersonal table is NotPersonal.
func Lookup(table, column string) (Column, bool) {
	for _, t := range Tables {
		if t.Name != table {
			continue
		}
		if t.NotPersonal {
			return Column{Name: column, Class: NotPersonal}, true
		}
		for _, c := range t.Columns {
			if c.Name == column {
				return c, true
			}
		}
	}
	return Column{}, false
}

// ClassOf is the class of a table's column, "" when the inventory does not
// list it.
func ClassOf(table, column string) Class {
	c, _ := Lookup(table, column)
	return c.Class
}

// TableOf returns the inventory's table of that name.
func TableOf(name string) (Table, bool) {
	for _, t := range Tables {
		if t.Name == name {
			return t, true
		}
	}
	return Table{}, false
}

// Expand replaces each {PARLEY_…} of s by what periods says for it, and
// leaves unknown names as they are.
func Expand(s string, periods map[string]string) string {
	for name, v := range periods {
		s = strings.ReplaceAll(s, "{"+name+"}", v)
	}
	return s
}
