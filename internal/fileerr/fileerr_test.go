package fileerr

import (
	"errors"
	"io/fs"
	"testing"
)

func TestError(t *testing.T) {
	for _, tc := range []struct {
		err  *Error
		want string
	}{
		{New("a.txt", 3, 7, "bad"), "a.txt:3:7: bad"},
		{New("a.txt", 3, 0, "bad"), "a.txt:3: bad"},
		{New("a.txt", 0, 0, "bad"), "a.txt: bad"},
		{Errorf("p.toml", 1, 1, "x %d", 2), "p.toml:1:1: x 2"},
	} {
		if got := tc.err.Error(); got != tc.want {
			t.Errorf("%q, want %q", got, tc.want)
		}
	}
	if err := Errorf("r.txt", 1, 1, "cannot read: %w", fs.ErrNotExist); !errors.Is(err, fs.ErrNotExist) {
		t.Error("the cause is not reachable")
	}
}

func TestPosition(t *testing.T) {
	data := []byte("ab\ncde\n\nf")
	for _, tc := range []struct{ off, line, col int }{
		{0, 1, 1}, {1, 1, 2}, {3, 2, 1}, {5, 2, 3}, {7, 3, 1}, {8, 4, 1},
	} {
		if l, c := Position(data, tc.off); l != tc.line || c != tc.col {
			t.Errorf("offset %d: %d:%d, want %d:%d", tc.off, l, c, tc.line, tc.col)
		}
	}
}
