package api

import (
	"context"
	"net/http"
	"strings"

	"github.com/dossier/dossier/config"
	"github.com/dossier/dossier/internal/contract"
)

// Accounts authenticates bearer tokens against configured accounts, by the
// SHA-256 of the token: the tokens themselves are never kept.
type Accounts struct {
	byHash map[string]config.Account
}

// NewAccounts indexes accounts by token hash.
func NewAccounts(accounts []config.Account) *Accounts {
	a := &Accounts{byHash: map[string]config.Account{}}
	for _, acc := range accounts {
		a.byHash[strings.ToLower(acc.TokenSHA256)] = acc
	}
	return a
}

// Lookup returns the actor a bearer token belongs to.
func (a *Accounts) Lookup(token string) (contract.Actor, bool) {
	if token == "" {
		return contract.Actor{}, false
	}
	acc, ok := a.byHash[config.HashToken(token)]
	if !ok {
		return contract.Actor{}, false
	}
	return contract.Actor{ID: acc.ID, Name: acc.Name, Title: acc.Title, Roles: acc.Roles, Services: acc.Services}, true
}

type actorKey struct{}

// auth runs next with the authenticated actor, or answers 401.
func (s *Server) auth(next func(http.ResponseWriter, *http.Request, contract.Actor)) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		token, ok := strings.CutPrefix(r.Header.Get("Authorization"), "Bearer ")
		actor, found := s.Accounts.Lookup(strings.TrimSpace(token))
		if !ok || !found {
			w.Header().Set("WWW-Authenticate", `Bearer realm="dossier"`)
			writeJSON(w, http.StatusUnauthorized, errorBody{Error: "a valid bearer token is required"})
			return
		}
		next(w, r.WithContext(context.WithValue(r.Context(), actorKey{}, actor)), actor)
	})
}
