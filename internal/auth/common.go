package auth

import (
	_ "embed"
	"strings"
	"unicode"
)

//go:embed common_passwords.txt
var commonPasswordList string

// commonPasswords is the embedded list as a set. It is built on each call:
// a few hundred entries, read only when someone chooses a password.
func commonPasswords() map[string]bool {
	set := map[string]bool{}
	for _, line := range strings.Split(commonPasswordList, "\n") {
		if line = strings.TrimSpace(line); line != "" && !strings.HasPrefix(line, "#") {
			set[line] = true
		}
	}
	return set
}

// serviceWords are context-specific words (NIST SP 800-63B): the name of
// this service.
var serviceWords = []string{"parley"}

// keyboardRuns are sequences whose runs people type as passwords.
var keyboardRuns = []string{
	"abcdefghijklmnopqrstuvwxyz", "0123456789", "01234567890",
	"qwertyuiop", "asdfghjkl", "zxcvbnm", "qwertzuiop", "azertyuiop",
	"1qaz2wsx3edc4rfv", "qazwsxedcrfv",
}

// isCommonPassword reports whether pw (normalised) is on the list, is a
// predictable pattern, or is built from a context word.
func isCommonPassword(pw string, contextWords []string) bool {
	lower := strings.ToLower(pw)
	base := strings.TrimRightFunc(lower, func(r rune) bool { return unicode.IsDigit(r) || unicode.IsPunct(r) || unicode.IsSymbol(r) })
	list := commonPasswords()
	if list[lower] || (base != "" && list[base]) || repeatsUnit(lower) || isRun(lower) {
		return true
	}
	for _, w := range append(contextWords, serviceWords...) {
		w = strings.ToLower(strings.TrimSpace(w))
		local, _, _ := strings.Cut(w, "@")
		if w != "" && (lower == w || base == w || (len(local) >= 3 && (base == local || lower == local))) {
			return true
		}
	}
	return false
}

// repeatsUnit reports whether s is one short unit (up to 4 characters)
// repeated: "aaaaaaaa", "abababab", "12341234".
func repeatsUnit(s string) bool {
	r := []rune(s)
	for unit := 1; unit <= 4 && unit*2 <= len(r); unit++ {
		if len(r)%unit != 0 {
			continue
		}
		if strings.Repeat(string(r[:unit]), len(r)/unit) == s {
			return true
		}
	}
	return false
}

// isRun reports whether s is a stretch of a keyboard row or of the
// alphabet or digits, forwards or backwards.
func isRun(s string) bool {
	rev := []rune(s)
	for i, j := 0, len(rev)-1; i < j; i, j = i+1, j-1 {
		rev[i], rev[j] = rev[j], rev[i]
	}
	for _, run := range keyboardRuns {
		if strings.Contains(run, s) || strings.Contains(run, string(rev)) {
			return true
		}
	}
	return false
}
