package web

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"os"
	"time"

	"github.com/coreos/go-oidc/v3/oidc"
	"golang.org/x/oauth2"

	"github.com/dossier/dossier/internal/contract"
)

// OIDCConfig is how the web app signs people in with OpenID Connect:
// the administration's identity provider, and this app's client.
// OIDCFromEnv reads it from DOSSIER_OIDC_ISSUER, DOSSIER_OIDC_CLIENT_ID,
// DOSSIER_OIDC_CLIENT_SECRET and DOSSIER_OIDC_REDIRECT_URL.
type OIDCConfig struct {
	Issuer, ClientID, ClientSecret string
	// RedirectURL is this app's public /auth/callback URL.
	RedirectURL string
}

// OIDCFromEnv returns the OpenID Connect configuration, and whether one is set.
func OIDCFromEnv() (OIDCConfig, bool) {
	c := OIDCConfig{Issuer: os.Getenv("DOSSIER_OIDC_ISSUER"), ClientID: os.Getenv("DOSSIER_OIDC_CLIENT_ID"),
		ClientSecret: os.Getenv("DOSSIER_OIDC_CLIENT_SECRET"), RedirectURL: os.Getenv("DOSSIER_OIDC_REDIRECT_URL")}
	return c, c.Issuer != "" && c.ClientID != "" && c.RedirectURL != ""
}

// Directory finds the account of a person the identity provider vouched
// for: the administration's own list decides roles and services.
type Directory interface {
	Identify(subject, email string) (contract.Actor, bool)
}

// oidcSignIn runs the authorization-code flow with PKCE, state and nonce.
type oidcSignIn struct {
	verifier *oidc.IDTokenVerifier
	oauth    oauth2.Config
	dir      Directory
}

// NewOIDC discovers the provider at cfg.Issuer.
func NewOIDC(ctx context.Context, cfg OIDCConfig, dir Directory) (*oidcSignIn, error) {
	provider, err := oidc.NewProvider(ctx, cfg.Issuer)
	if err != nil {
		return nil, fmt.Errorf("oidc: discover %s: %w", cfg.Issuer, err)
	}
	return &oidcSignIn{
		verifier: provider.Verifier(&oidc.Config{ClientID: cfg.ClientID}),
		oauth: oauth2.Config{ClientID: cfg.ClientID, ClientSecret: cfg.ClientSecret, RedirectURL: cfg.RedirectURL,
			Endpoint: provider.Endpoint(), Scopes: []string{oidc.ScopeOpenID, "email", "profile"}},
		dir: dir,
	}, nil
}

const flowCookie = "dossier_oidc"

// start sends the browser to the provider, remembering state, nonce and
// PKCE verifier in a short-lived cookie.
func (o *oidcSignIn) start(w http.ResponseWriter, r *http.Request, secure bool) {
	state, nonce, verifier := randomToken(), randomToken(), oauth2.GenerateVerifier()
	http.SetCookie(w, &http.Cookie{Name: flowCookie, Value: state + "." + nonce + "." + verifier, Path: "/auth/",
		HttpOnly: true, Secure: secure, SameSite: http.SameSiteLaxMode, MaxAge: 600})
	url := o.oauth.AuthCodeURL(state, oidc.Nonce(nonce), oauth2.S256ChallengeOption(verifier))
	http.Redirect(w, r, url, http.StatusFound)
}

var errSignIn = errors.New("sign-in failed")

// finish checks the provider's answer and returns the person's actor.
func (o *oidcSignIn) finish(w http.ResponseWriter, r *http.Request) (contract.Actor, error) {
	c, err := r.Cookie(flowCookie)
	http.SetCookie(w, &http.Cookie{Name: flowCookie, Value: "", Path: "/auth/", MaxAge: -1})
	var state, nonce, verifier string
	if err == nil {
		_, err = fmt.Sscanf(replaceDots(c.Value), "%s %s %s", &state, &nonce, &verifier)
	}
	if err != nil || r.URL.Query().Get("state") != state || state == "" {
		return contract.Actor{}, fmt.Errorf("%w: the sign-in request does not match (state)", errSignIn)
	}
	ctx, cancel := context.WithTimeout(r.Context(), 15*time.Second)
	defer cancel()
	tok, err := o.oauth.Exchange(ctx, r.URL.Query().Get("code"), oauth2.VerifierOption(verifier))
	if err != nil {
		return contract.Actor{}, fmt.Errorf("%w: code exchange: %v", errSignIn, err)
	}
	return o.identify(ctx, tok, nonce)
}

func (o *oidcSignIn) identify(ctx context.Context, tok *oauth2.Token, nonce string) (contract.Actor, error) {
	raw, _ := tok.Extra("id_token").(string)
	id, err := o.verifier.Verify(ctx, raw)
	if err != nil || id.Nonce != nonce {
		return contract.Actor{}, fmt.Errorf("%w: invalid ID token (%v)", errSignIn, err)
	}
	var claims struct {
		Email         string `json:"email"`
		EmailVerified *bool  `json:"email_verified"`
	}
	_ = id.Claims(&claims)
	if claims.EmailVerified != nil && !*claims.EmailVerified {
		claims.Email = ""
	}
	actor, ok := o.dir.Identify(id.Subject, claims.Email)
	if !ok {
		return contract.Actor{}, fmt.Errorf("%w: %s (%s) has no Dossier account", errNoAccount, id.Subject, claims.Email)
	}
	return actor, nil
}

var errNoAccount = errors.New("no account")

func replaceDots(s string) string {
	out := []byte(s)
	for i, b := range out {
		if b == '.' {
			out[i] = ' '
		}
	}
	return string(out)
}
