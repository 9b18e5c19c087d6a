package app

import (
	"net/http"

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

// NewWebHandler serves the API under /api/ and /healthz, and the
// caseworkers' web app everywhere else, on one port.
func NewWebHandler(d Deps, accounts []config.Account, secureCookies bool) (http.Handler, error) {
	apiServer := NewAPI(d, accounts)
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
	webApp := &web.Server{Cases: svc, Catalog: d.Catalog, Auth: DevSignIn{Accounts: apiServer.Accounts},
		Logger: d.Logger, Services: names, Secure: secureCookies}
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
