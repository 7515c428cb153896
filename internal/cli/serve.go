package cli

import (
	"fmt"
	"net"
	"os"
	"path/filepath"
	"strings"

	ucli "github.com/urfave/cli/v2"

	"github.com/pkginstall/pkginstall/serve"
)

func (a *app) serveCommand() *ucli.Command {
	return &ucli.Command{
		Name:      "serve",
		Usage:     "serve a folder of wheels as a package index (PEP 503, 691, 658)",
		UsageText: "pkginstall serve [--addr HOST:PORT] DIR",
		Description: `Serves the wheels in DIR (for example what "pkginstall download -d DIR" saved)
as a simple index at http://HOST:PORT/simple/, for pip, uv and pkginstall:

   pkginstall install --index-url http://HOST:PORT/simple/ NAME

Wheels copied into DIR appear without a restart. Only loopback is served by
default; --addr 0.0.0.0:8000 serves the whole network (a classroom).
Stop with Ctrl-C.

--export OUT serves nothing: it writes the same index as static files for any web
server, object store or CDN (OUT/simple/, OUT/simple-json/, OUT/files/ with the
wheels and their PEP 658 .metadata; relative links only). Point pip or pkginstall
at https://HOST/PATH/simple/. Run it again after adding wheels to DIR.`,
		Flags: []ucli.Flag{
			&ucli.StringFlag{Name: "addr", Value: "127.0.0.1:8000", Usage: "listen on `HOST:PORT` (port 0 picks a free port)"},
			&ucli.StringFlag{Name: "export", Usage: "write DIR's index as static files into `OUT` instead of serving it"},
		},
		Action: a.runServe,
	}
}

func (a *app) runServe(c *ucli.Context) error {
	if _, err := a.globals(c); err != nil {
		return err
	}
	if c.NArg() != 1 {
		return usagef("serve needs exactly one folder of wheels")
	}
	dir := c.Args().First()
	st, err := os.Stat(dir)
	if err != nil || !st.IsDir() {
		return fmt.Errorf("%s: not a folder", dir)
	}
	if out := c.String("export"); out != "" {
		ws, err := serve.Export(dir, out, func(msg string) { a.ui.warnf("%s", msg) })
		if err != nil {
			return err
		}
		a.ui.infof("Exported %d %s as a static index in %s: serve the folder, the index URL is its simple/", len(ws), pluralWord(len(ws), "wheel", "wheels"), out)
		return nil
	}
	addr := c.String("addr")
	if _, _, err := net.SplitHostPort(addr); err != nil {
		return usagef("--addr %q: want HOST:PORT, e.g. 127.0.0.1:8000", addr)
	}
	srv, err := serve.New(dir, serve.Options{
		Log:  stderrLog{a.ui},
		Warn: func(msg string) { a.ui.warnf("%s", msg) },
	})
	if err != nil {
		return err
	}
	defer srv.Close()
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return fmt.Errorf("serve: %w", err)
	}
	stats, _ := srv.Stats()
	abs, _ := filepath.Abs(dir)
	host, port, _ := net.SplitHostPort(ln.Addr().String())
	shown := host
	if ip := net.ParseIP(host); ip != nil && ip.IsUnspecified() {
		shown = "HOST"
	}
	if strings.Contains(shown, ":") {
		shown = "[" + shown + "]"
	}
	a.ui.infof("serving %d %s (%d %s) from %s", stats.Wheels, pluralWord(stats.Wheels, "wheel", "wheels"), stats.Projects, pluralWord(stats.Projects, "project", "projects"), abs)
	if stats.Wheels == 0 {
		if sub, n := serve.WheelsBelow(abs, 3); sub != "" {
			a.ui.warnf("no wheels directly in %s, but %d in %s: serve reads only the folder it is given; run pkginstall serve %s", abs, n, sub, sub)
		}
	}
	a.ui.infof("index URL: http://%s:%s/simple/", shown, port)
	if shown == "HOST" {
		a.ui.infof("listening on every network interface: use this machine's address for HOST")
	}
	return srv.Serve(c.Context, ln)
}

func pluralWord(n int, one, many string) string {
	if n == 1 {
		return one
	}
	return many
}

// stderrLog writes the request log to stderr, one whole line at a time.
type stderrLog struct{ u *ui }

func (w stderrLog) Write(p []byte) (int, error) {
	w.u.mu.Lock()
	defer w.u.mu.Unlock()
	return w.u.stderr.Write(p)
}
