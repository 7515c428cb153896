package index

import (
	"context"
	"io"
)

// ByteProgress is told, while a download's body arrives, how many bytes of
// it have been received so far (the count starts again at 0 when a
// download is restarted) and its size (0 when unknown: neither the index
// nor the server said).
type ByteProgress func(received, size int64)

type progressKey struct{}

// WithProgress returns a context whose downloads (Download, Fetch) report
// their received bytes to fn. Only bytes from the network are reported: a
// file read from disk or the cache has nothing to wait for.
func WithProgress(ctx context.Context, fn ByteProgress) context.Context {
	return context.WithValue(ctx, progressKey{}, fn)
}

// progressReader reports the bytes read through it to the context's
// ByteProgress, if any.
func progressReader(ctx context.Context, r io.Reader, size int64) io.Reader {
	fn, _ := ctx.Value(progressKey{}).(ByteProgress)
	if fn == nil {
		return r
	}
	size = max(size, 0)
	fn(0, size)
	return &reportingReader{r: r, size: size, fn: fn}
}

type reportingReader struct {
	r       io.Reader
	n, size int64
	fn      ByteProgress
}

func (p *reportingReader) Read(b []byte) (int, error) {
	n, err := p.r.Read(b)
	if n > 0 {
		p.n += int64(n)
		p.fn(p.n, p.size)
	}
	return n, err
}
