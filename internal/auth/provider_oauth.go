package auth

import (
	"context"
	"errors"
	"strconv"

	"golang.org/x/oauth2"
)

// githubProfile reads GitHub's user API, and the primary address from
// /user/emails when GitHub has verified it. An account whose emails cannot
// be read logs in without one.
func githubProfile(ctx context.Context, p *Provider, tok *oauth2.Token, _ string) (Profile, error) {
	var u struct {
		ID        int64  `json:"id"`
		Login     string `json:"login"`
		Name      string `json:"name"`
		AvatarURL string `json:"avatar_url"`
		HTMLURL   string `json:"html_url"`
	}
	if err := p.getJSON(ctx, tok, p.apiURL+"/user", &u); err != nil {
		return Profile{}, err
	}
	pr := Profile{Name: u.Name, AvatarURL: u.AvatarURL, ProfileURL: u.HTMLURL}
	if u.ID > 0 {
		pr.Subject = strconv.FormatInt(u.ID, 10) // the login can be renamed; the id cannot
	}
	if pr.Name == "" {
		pr.Name = u.Login
	}
	var emails []struct {
		Email    string `json:"email"`
		Primary  bool   `json:"primary"`
		Verified bool   `json:"verified"`
	}
	err := p.getJSON(ctx, tok, p.apiURL+"/user/emails", &emails)
	if errors.Is(err, ErrProviderUnavailable) {
		return Profile{}, err
	}
	for _, e := range emails {
		if e.Primary && e.Verified {
			pr.Email = e.Email
		}
	}
	return pr, nil
}

// facebookProfile reads the Graph API's /me. Facebook does not say whether
// an address was verified, so no email is taken.
func facebookProfile(ctx context.Context, p *Provider, tok *oauth2.Token, _ string) (Profile, error) {
	var u struct {
		ID      string `json:"id"`
		Name    string `json:"name"`
		Link    string `json:"link"`
		Picture struct {
			Data struct {
				URL string `json:"url"`
			} `json:"data"`
		} `json:"picture"`
	}
	if err := p.getJSON(ctx, tok, p.apiURL+"/me?fields=id,name,link,picture.type(large)", &u); err != nil {
		return Profile{}, err
	}
	return Profile{Subject: u.ID, Name: u.Name, AvatarURL: u.Picture.Data.URL, ProfileURL: u.Link}, nil
}

// microsoftProfile reads Microsoft Graph's OpenID Connect userinfo. Its
// subject is stable per application; its email is not verified by
// Microsoft, so none is taken, and its picture needs the token to be read,
// so none is taken either.
func microsoftProfile(ctx context.Context, p *Provider, tok *oauth2.Token, _ string) (Profile, error) {
	var u oidcClaims
	if err := p.getJSON(ctx, tok, p.apiURL+"/oidc/userinfo", &u); err != nil {
		return Profile{}, err
	}
	name := u.Name
	if name == "" {
		name = u.PreferredUsername
	}
	return Profile{Subject: u.Subject, Name: name}, nil
}
