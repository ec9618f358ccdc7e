package comment

import "strings"

// ValidateEmail checks an address a person gives to be recognised by, such
// as in a privacy request, as a guest author's email is checked, and
// returns it trimmed. Its errors are field errors on field.
func ValidateEmail(email, field string) (string, error) {
	email = strings.TrimSpace(email)
	switch {
	case email == "":
		return "", fieldErr(field, "an email address is required")
	case !ValidEmail(email):
		return "", fieldErr(field, "this is not a valid email address")
	}
	return email, nil
}
