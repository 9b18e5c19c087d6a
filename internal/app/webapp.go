package app

import (
	"context"
	"net/http"
	"strings"

	"github.com/dossier/dossier/activities"
	"github.com/dossier/dossier/config"
	"github.com/dossier/dossier/internal/api"
	"github.com/dossier/dossier/internal/contract"
	"github.com/dossier/dossier/internal/pdf"
	"github.com/dossier/dossier/internal/web"
)

// DevSignIn signs the demo accounts of config/dev.yaml in, with their
// token as password.
type DevSignIn struct{ Accounts *api.Accounts }

// SignIn returns the actor of account when password is its token.
func (d DevSignIn) SignIn(account, password string) (contract.Actor, bool) {
	actor, ok := d.Accounts.Lookup(password)
	return actor, ok && actor.ID == account
}

// AccountDirectory finds the account of a person an OpenID Connect
// provider signed in, by subject, then by verified email.
type AccountDirectory []config.Account

// Identify returns the actor of the account matching subject or email.
func (dir AccountDirectory) Identify(subject, email string) (contract.Actor, bool) {
	for _, pass := range []func(config.Account) bool{
		func(a config.Account) bool { return a.OIDCSubject != "" && a.OIDCSubject == subject },
		func(a config.Account) bool { return a.Email != "" && email != "" && strings.EqualFold(a.Email, email) },
	} {
		for _, a := range dir {
			if pass(a) {
				return contract.Actor{ID: a.ID, Name: a.Name, Title: a.Title, Roles: a.Roles, Services: a.Services}, true
			}
		}
	}
	return contract.Actor{}, false
}

// WebOptions say how people sign in to the web app.
type WebOptions struct {
	Accounts []config.Account
	// DemoSignIn accepts an account's token as its password (dossier dev).
	DemoSignIn bool
	// OIDC, when set, signs people in with the administration's provider.
	OIDC *web.OIDCConfig
	// SecureCookies marks cookies Secure (production, behind TLS).
	SecureCookies bool
}

// NewWebHandler serves the API under /api/ and /healthz, and the
// caseworkers' web app everywhere else, on one port.
func NewWebHandler(ctx context.Context, d Deps, o WebOptions) (http.Handler, error) {
	apiServer := NewAPI(d, o.Accounts)
	renderer, err := pdf.NewRenderer()
	if err != nil {
		return nil, err
	}
	svc := d.Cases()
	svc.Preview = func(in contract.RenderInput) ([]byte, error) {
		letter, err := activities.Layout(d.Catalog, d.Config.Administration, in)
		if err != nil {
			return nil, err
		}
		return renderer.Render(letter)
	}
	names := map[string]string{}
	for id, s := range d.Config.Services {
		names[id] = s.Name
	}
	webApp := &web.Server{Cases: svc, Catalog: d.Catalog, Logger: d.Logger, Services: names, Secure: o.SecureCookies,
		Verifications: d.Bus.Verifications(), Refusals: d.Bus, Administration: d.Config.Administration.Name}
	if o.DemoSignIn {
		webApp.Auth = DevSignIn{Accounts: apiServer.Accounts}
	}
	if o.OIDC != nil {
		if webApp.OIDC, err = web.NewOIDC(ctx, *o.OIDC, AccountDirectory(o.Accounts)); err != nil {
			return nil, err
		}
	}
	webHandler, err := webApp.Handler()
	if err != nil {
		return nil, err
	}
	mux := http.NewServeMux()
	apiHandler := apiServer.Handler()
	mux.Handle("/api/", apiHandler)
	mux.Handle("/healthz", apiHandler)
	mux.Handle("/", webHandler)
	return mux, nil
}
