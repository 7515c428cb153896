package serve

import (
	"context"
	"errors"
	"io"
	"net"
	"net/http"
	"sync"
	"testing"
	"time"
)

// startLimited serves dir on a loopback port with short limits.
func startLimited(t *testing.T, maxConns int, timeout time.Duration) string {
	t.Helper()
	old := limits
	limits.maxConns = maxConns
	limits.readHeader, limits.read, limits.writeIdle, limits.idle = timeout, timeout, timeout, timeout
	t.Cleanup(func() { limits = old })
	s, err := New(folder(t, demo("foo", "1.0")), Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	addr, stop := serveLoopback(t, s)
	t.Cleanup(func() { stop() })
	return addr
}

// serveLoopback runs s.Serve on a free loopback port; stop cancels its
// context and returns what Serve returned.
func serveLoopback(t *testing.T, s *Server) (addr string, stop func() error) {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- s.Serve(ctx, ln) }()
	var once sync.Once
	var result error
	return ln.Addr().String(), func() error {
		once.Do(func() {
			cancel()
			select {
			case result = <-done:
			case <-time.After(10 * time.Second):
				result = errors.New("Serve did not return after cancel")
			}
		})
		return result
	}
}

// A connection that never sends its request is closed after the header
// timeout (a slowloris cannot hold it).
func TestServeClosesSilentConnections(t *testing.T) {
	addr := startLimited(t, 8, 300*time.Millisecond)
	c, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	c.SetReadDeadline(time.Now().Add(20 * time.Second))
	if _, err := io.ReadAll(c); err != nil {
		t.Fatalf("the server did not close a silent connection: %v", err)
	}
}

// No more than maxConns connections are served at once: the next one is
// answered only when one of them goes away.
func TestServeConnectionCap(t *testing.T) {
	addr := startLimited(t, 2, 20*time.Second)
	var held []net.Conn
	for i := 0; i < 2; i++ {
		c, err := net.Dial("tcp", addr)
		if err != nil {
			t.Fatal(err)
		}
		defer c.Close()
		held = append(held, c)
	}
	answered := make(chan error, 1)
	go func() {
		cl := &http.Client{Transport: &http.Transport{DisableKeepAlives: true}}
		resp, err := cl.Get("http://" + addr + "/simple/foo/")
		if err == nil {
			resp.Body.Close()
		}
		answered <- err
	}()
	select {
	case err := <-answered:
		t.Fatalf("a third connection was served while two were held (err %v)", err)
	case <-time.After(300 * time.Millisecond):
	}
	held[0].Close()
	select {
	case err := <-answered:
		if err != nil {
			t.Fatal(err)
		}
	case <-time.After(20 * time.Second):
		t.Fatal("the waiting connection was never served")
	}
}
