package comment

import "strings"

// ValidateProfile normalises and checks an account's display name and
// website by the rules of a guest's (validateAuthor): a name is required,
// has something visible and at most MaxNameLength characters; a website is
// empty or an http(s) address of at most MaxWebsiteLength. Field errors
// name "name" and "website".
func ValidateProfile(name, website string) (string, string, error) {
	a, err := validateAuthor(Author{Name: name, Website: website}, false, false)
	if fe, ok := err.(*FieldError); ok {
		return "", "", &FieldError{Field: strings.TrimPrefix(fe.Field, "author."), Message: fe.Message}
	}
	return a.Name, a.Website, err
}
