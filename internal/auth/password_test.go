package auth_test

import (
	"errors"
	"strings"
	"testing"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"

	"github.com/parleyhq/parley/internal/auth"
)

func TestValidatePassword(t *testing.T) {
	for _, tt := range []struct {
		pw      string
		context []string
		want    error
	}{
		{"correct horse", nil, nil},
		{"Tr0ub4dor&3", nil, nil},
		{"ünïcødé pässwörd", nil, nil},
		{"seven77", nil, auth.ErrPasswordTooShort},
		{"ééééééé", nil, auth.ErrPasswordTooShort}, // 7 characters, 14 bytes
		{"", nil, auth.ErrPasswordTooShort},
		{strings.Repeat("x", auth.MaxPasswordLength) + "y", nil, auth.ErrPasswordTooLong},
		{strings.Repeat("xy", auth.MaxPasswordLength/2-1) + "zz", nil, nil},
		{"password", nil, auth.ErrPasswordCommon},
		{"PassWord123", nil, auth.ErrPasswordCommon},
		{"sunshine2024!", nil, auth.ErrPasswordCommon},
		{"aaaaaaaaaaaa", nil, auth.ErrPasswordCommon},
		{"abababab", nil, auth.ErrPasswordCommon},
		{"12341234", nil, auth.ErrPasswordCommon},
		{"23456789", nil, auth.ErrPasswordCommon},
		{"lkjhgfdsa", nil, auth.ErrPasswordCommon},
		{"mnopqrstu", nil, auth.ErrPasswordCommon},
		{"parley2026", nil, auth.ErrPasswordCommon},
		{"ada.lovelace@example.com", []string{"ada.lovelace@example.com"}, auth.ErrPasswordCommon},
		{"ada.lovelace99", []string{"ada.lovelace@example.com"}, auth.ErrPasswordCommon},
		{"ada.lovelace99", nil, nil},
	} {
		if got := auth.ValidatePassword(tt.pw, tt.context...); !errors.Is(got, tt.want) {
			t.Errorf("ValidatePassword(%.20q, %q) = %v, want %v", tt.pw, tt.context, got, tt.want)
		}
	}
}

func TestHashAndCheckPassword(t *testing.T) {
	hash := auth.HashPassword("correct horse battery")
	if !strings.HasPrefix(hash, "$argon2id$v=19$m=19456,t=2,p=1$") {
		t.Errorf("hash %q is not a PHC argon2id string with the documented parameters", hash)
	}
	if strings.Contains(hash, "correct") {
		t.Errorf("hash %q contains the password", hash)
	}
	if other := auth.HashPassword("correct horse battery"); other == hash {
		t.Error("two hashes of one password are equal: no random salt")
	}
	for _, tt := range []struct {
		hash, pw string
		want     bool
	}{
		{hash, "correct horse battery", true},
		{hash, "correct horse batter", false},
		{hash, "Correct horse battery", false},
		{hash, "", false},
		{"", "", false},
		{"", "correct horse battery", false},
		{"$argon2id$v=19$m=19456,t=2,p=1$c2FsdA$", "x", false},
		{strings.Replace(hash, "m=19456", "m=99999999", 1), "correct horse battery", false}, // refuses a gigabyte
		{strings.Replace(hash, "$argon2id$", "$argon2i$", 1), "correct horse battery", false},
		{hash, strings.Repeat("y", 5000), false},
	} {
		if got := auth.CheckPassword(tt.hash, tt.pw); got != tt.want {
			t.Errorf("CheckPassword(%.40q, %.20q) = %v, want %v", tt.hash, tt.pw, got, tt.want)
		}
	}
	// The same password composed or decomposed (NFKC) is one password.
	composed := auth.HashPassword("caf\u00e9 au lait")
	if !auth.CheckPassword(composed, "cafe\u0301 au lait") {
		t.Error("a decomposed é does not match its composed form")
	}
}

func BenchmarkHashPassword(b *testing.B) {
	for b.Loop() {
		auth.HashPassword("correct horse battery")
	}
}

// FuzzValidatePassword: whatever is typed, the rules answer without
// panicking, and a password they accept is 8 to 256 characters.
func FuzzValidatePassword(f *testing.F) {
	for _, seed := range []string{"correct horse", "aaaaaaaa", "\xff\xfe\xfd\xfc\xfb\xfa\xf9\xf8", "ab\u0301cdefgh", "sunshine2024!"} {
		f.Add(seed, "ada@example.com")
	}
	f.Fuzz(func(t *testing.T, pw, context string) {
		err := auth.ValidatePassword(pw, context)
		if n := utf8.RuneCountInString(norm.NFKC.String(pw)); err == nil && (n < auth.MinPasswordLength || n > auth.MaxPasswordLength) {
			t.Errorf("accepted %q of %d characters", pw, n)
		}
	})
}
