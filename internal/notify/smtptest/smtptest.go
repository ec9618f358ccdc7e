// Package smtptest runs a real SMTP server inside a test process
// (github.com/emersion/go-smtp), so that mail delivery is tested against the
// protocol rather than a mock. It keeps every message it accepts. It must
// never be used outside tests: it accepts mail from anyone, in plain text.
package smtptest

import (
	"bytes"
	"errors"
	"io"
	"net"
	"sync"
	"testing"
	"time"

	"github.com/emersion/go-sasl"
	"github.com/emersion/go-smtp"
)

// Message is one accepted message.
type Message struct {
	From string
	To   []string
	Data []byte // the message as received: headers and body
	Auth string // the user name it authenticated as, if any
}

// Server is an SMTP server on a loopback port.
type Server struct {
	t    testing.TB
	addr string

	mu       sync.Mutex
	messages []Message
	srv      *smtp.Server
	ln       net.Listener
	arrived  chan struct{}
	// Reject, when set, answers RCPT TO with this error (an *smtp.SMTPError
	// gives its code).
	reject error
	// users, when set, requires AUTH PLAIN with one of these user/password pairs.
	users map[string]string
}

// Start starts a server on a free loopback port; it stops at the end of the test.
func Start(t testing.TB) *Server {
	s := &Server{t: t, arrived: make(chan struct{}, 1000)}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	s.addr = ln.Addr().String()
	s.serve(ln)
	t.Cleanup(s.Stop)
	return s
}

// Addr is host:port; it stays the same across Stop and Restart.
func (s *Server) Addr() string { return s.addr }

// URL is the PARLEY_SMTP_URL that reaches the server.
func (s *Server) URL() string { return "smtp://" + s.addr + "?tls=none" }

// RequireAuth makes the server accept mail only after AUTH PLAIN as user
// with password.
func (s *Server) RequireAuth(user, password string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.users = map[string]string{user: password}
}

// RejectRecipients makes every RCPT TO fail with err; nil accepts again.
func (s *Server) RejectRecipients(err error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.reject = err
}

// Stop closes the listener and every connection: the server is down.
func (s *Server) Stop() {
	s.mu.Lock()
	srv, ln := s.srv, s.ln
	s.srv, s.ln = nil, nil
	s.mu.Unlock()
	if srv != nil {
		// Closing the listener ourselves: Close alone misses a listener
		// that Serve, started just before, has not registered yet.
		ln.Close()
		srv.Close()
	}
}

// Restart listens again on the same address.
func (s *Server) Restart() {
	var ln net.Listener
	var err error
	for range 50 { // the port may linger for a moment after Stop
		if ln, err = net.Listen("tcp", s.addr); err == nil {
			break
		}
		time.Sleep(20 * time.Millisecond)
	}
	if err != nil {
		s.t.Fatalf("smtptest: listen again on %s: %v", s.addr, err)
	}
	s.serve(ln)
}

func (s *Server) serve(ln net.Listener) {
	srv := smtp.NewServer(smtp.BackendFunc(func(*smtp.Conn) (smtp.Session, error) { return &session{s: s}, nil }))
	srv.Domain = "smtptest.localhost"
	srv.AllowInsecureAuth = true
	srv.ReadTimeout, srv.WriteTimeout = 10*time.Second, 10*time.Second
	s.mu.Lock()
	s.srv, s.ln = srv, ln
	s.mu.Unlock()
	go srv.Serve(ln)
}

// Messages returns a copy of every message accepted so far.
func (s *Server) Messages() []Message {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]Message(nil), s.messages...)
}

// Reset forgets the messages accepted so far.
func (s *Server) Reset() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.messages = nil
}

// Wait waits until n messages in all have arrived, or fails the test after timeout.
func (s *Server) Wait(n int, timeout time.Duration) []Message {
	s.t.Helper()
	deadline := time.After(timeout)
	for {
		if got := s.Messages(); len(got) >= n {
			return got
		}
		select {
		case <-s.arrived:
		case <-deadline:
			s.t.Fatalf("smtptest: %d messages arrived within %s, want %d", len(s.Messages()), timeout, n)
		}
	}
}

type session struct {
	s    *Server
	auth string
	msg  Message
}

func (se *session) AuthMechanisms() []string { return []string{sasl.Plain} }

func (se *session) Auth(mech string) (sasl.Server, error) {
	return sasl.NewPlainServer(func(_, user, pass string) error {
		se.s.mu.Lock()
		defer se.s.mu.Unlock()
		if want, ok := se.s.users[user]; !ok || want != pass {
			return errors.New("invalid credentials")
		}
		se.auth = user
		return nil
	}), nil
}

func (se *session) Mail(from string, _ *smtp.MailOptions) error {
	se.s.mu.Lock()
	defer se.s.mu.Unlock()
	if se.s.users != nil && se.auth == "" {
		return smtp.ErrAuthRequired
	}
	se.msg = Message{From: from, Auth: se.auth}
	return nil
}

func (se *session) Rcpt(to string, _ *smtp.RcptOptions) error {
	se.s.mu.Lock()
	defer se.s.mu.Unlock()
	if se.s.reject != nil {
		return se.s.reject
	}
	se.msg.To = append(se.msg.To, to)
	return nil
}

func (se *session) Data(r io.Reader) error {
	var b bytes.Buffer
	if _, err := io.Copy(&b, r); err != nil {
		return err
	}
	se.msg.Data = b.Bytes()
	se.s.mu.Lock()
	se.s.messages = append(se.s.messages, se.msg)
	se.s.mu.Unlock()
	select {
	case se.s.arrived <- struct{}{}:
	default:
	}
	return nil
}

func (se *session) Reset()        { se.msg = Message{Auth: se.auth} }
func (se *session) Logout() error { return nil }
