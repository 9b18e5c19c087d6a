package web

import (
	"crypto/rand"
	"encoding/base64"
	"net/http"
	"sync"
	"time"

	"github.com/dossier/dossier/internal/contract"
)

// Session lifetimes: a session ends after IdleTimeout without a request,
// and AbsoluteTimeout after sign-in whatever happens.
const (
	IdleTimeout     = 30 * time.Minute
	AbsoluteTimeout = 10 * time.Hour
	cookieName      = "dossier_session"
)

// session is a signed-in person.
type session struct {
	id       string
	actor    contract.Actor
	csrf     string
	created  time.Time
	lastSeen time.Time
}

// sessions keeps sessions in memory: a restart signs everyone out.
type sessions struct {
	mu     sync.Mutex
	byID   map[string]*session
	now    func() time.Time
	secure bool
}

func newSessions(secure bool) *sessions {
	return &sessions{byID: map[string]*session{}, now: time.Now, secure: secure}
}

func randomToken() string {
	b := make([]byte, 32)
	if _, err := rand.Read(b); err != nil {
		panic(err)
	}
	return base64.RawURLEncoding.EncodeToString(b)
}

// start signs actor in with a new session id (never one the browser had
// before) and sets its cookie.
func (s *sessions) start(w http.ResponseWriter, r *http.Request, actor contract.Actor) *session {
	s.end(w, r)
	now := s.now()
	sess := &session{id: randomToken(), actor: actor, csrf: randomToken(), created: now, lastSeen: now}
	s.mu.Lock()
	s.byID[sess.id] = sess
	s.mu.Unlock()
	http.SetCookie(w, &http.Cookie{Name: cookieName, Value: sess.id, Path: "/", HttpOnly: true, Secure: s.secure,
		SameSite: http.SameSiteLaxMode, MaxAge: int(AbsoluteTimeout.Seconds())})
	return sess
}

// get returns the request's live session, or nil; it ends expired ones.
func (s *sessions) get(r *http.Request) *session {
	c, err := r.Cookie(cookieName)
	if err != nil {
		return nil
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	sess, ok := s.byID[c.Value]
	if !ok {
		return nil
	}
	now := s.now()
	if now.Sub(sess.lastSeen) > IdleTimeout || now.Sub(sess.created) > AbsoluteTimeout {
		delete(s.byID, sess.id)
		return nil
	}
	sess.lastSeen = now
	return sess
}

// end signs the request's session out and clears its cookie.
func (s *sessions) end(w http.ResponseWriter, r *http.Request) {
	if c, err := r.Cookie(cookieName); err == nil {
		s.mu.Lock()
		delete(s.byID, c.Value)
		s.mu.Unlock()
	}
	http.SetCookie(w, &http.Cookie{Name: cookieName, Value: "", Path: "/", HttpOnly: true, Secure: s.secure,
		SameSite: http.SameSiteLaxMode, MaxAge: -1})
}
