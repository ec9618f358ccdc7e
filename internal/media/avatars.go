package media

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"strings"

	"github.com/parleyhq/parley/internal/privacy"
	"github.com/parleyhq/parley/internal/store"
)

// GravatarURL is where Gravatar serves the picture of an email's SHA-256;
// d=404 makes it answer 404 rather than a default picture when there is none.
const GravatarURL = "https://gravatar.com/avatar/%s?s=192&d=404"

// Avatars imports pictures into the store and names them by their Parley
// path. It is safe for concurrent use.
type Avatars struct {
	Store   *store.Store
	Fetcher *Fetcher
	// Gravatar is where Gravatar pictures are fetched from: GravatarURL
	// when the operator enabled it (PARLEY_GRAVATAR), "" (the default) when
	// not. A template with one %s for the hex SHA-256 of the email.
	Gravatar string
}

// AvatarPath returns the Parley path of the avatar whose PNG bytes have the
// SHA-256 sum.
func AvatarPath(sum []byte) string {
	return "/avatars/" + hex.EncodeToString(sum) + ".png"
}

// ParseAvatarName returns the SHA-256 of an avatar file name
// ("<64 hex digits>.png"), or false.
func ParseAvatarName(name string) ([]byte, bool) {
	h, ok := strings.CutSuffix(name, ".png")
	if !ok || len(h) != 2*sha256.Size || strings.ToLower(h) != h {
		return nil, false
	}
	sum, err := hex.DecodeString(h)
	return sum, err == nil
}

// Import fetches the picture at pictureURL server-side (FetchAvatar: HTTPS,
// public addresses only, size, type and pixel bounds), stores the
// normalised avatar and returns its Parley path, which is what an account's
// AvatarURL may hold. Callers such as an OAuth/OIDC login or site SSO fall
// back to an identicon on any error; the errors are FetchAvatar's or the
// store's.
func (a *Avatars) Import(ctx context.Context, pictureURL string) (publicPath string, err error) {
	png, err := a.Fetcher.FetchAvatar(ctx, pictureURL)
	if err != nil {
		return "", err
	}
	return a.Put(ctx, png)
}

// Put stores an avatar already normalised (Normalize's output) and returns
// its Parley path.
func (a *Avatars) Put(ctx context.Context, png []byte) (string, error) {
	sum := sha256.Sum256(png)
	if err := a.Store.PutAvatarImage(ctx, sum[:], png); err != nil {
		return "", fmt.Errorf("media: %w", err)
	}
	return AvatarPath(sum[:]), nil
}

// ErrGravatarOff is GravatarPath's answer when the operator did not enable
// Gravatar.
var ErrGravatarOff = errors.New("media: gravatar is not enabled")

// GravatarPath imports the Gravatar picture of email, when the operator
// enabled Gravatar: ErrGravatarOff otherwise, and ErrNotFound when the
// address has no picture there. The email travels to Gravatar only as its
// SHA-256, from the server; a reader's browser never contacts Gravatar.
func (a *Avatars) GravatarPath(ctx context.Context, email string) (string, error) {
	if a.Gravatar == "" {
		return "", ErrGravatarOff
	}
	return a.Import(ctx, a.gravatarURL(email))
}

func (a *Avatars) gravatarURL(email string) string {
	sum := sha256.Sum256([]byte(privacy.NormalizeEmail(email)))
	return fmt.Sprintf(a.Gravatar, hex.EncodeToString(sum[:]))
}

// For returns the avatar path of a person: the picture at pictureURL when
// there is one and it can be fetched, else their Gravatar when enabled and
// found, else the identicon of seed. A picture that cannot be fetched is not
// an error (it must not stop a sign-in); only the store's errors are.
func (a *Avatars) For(ctx context.Context, pictureURL, email string, seed []byte) (string, error) {
	if pictureURL != "" {
		if png, err := a.Fetcher.FetchAvatar(ctx, pictureURL); err == nil {
			return a.Put(ctx, png)
		}
	}
	if email != "" && a.Gravatar != "" {
		if png, err := a.Fetcher.FetchAvatar(ctx, a.gravatarURL(email)); err == nil {
			return a.Put(ctx, png)
		}
	}
	return IdenticonPath(seed), nil
}
