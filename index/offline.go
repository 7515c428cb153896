package index

import (
	"crypto/sha256"
	"encoding/hex"
	"io"
	"os"
	"path/filepath"
	"strings"

	"github.com/pkginstall/pkginstall/cache/layout"
	"github.com/pkginstall/pkginstall/internal/fsutil"
)

// cachedWheelFiles lists the wheels of the normalised project n that the
// cache holds, whatever index they came from: offline, a project whose
// page this run's index never cached (the class installed from the
// teacher's index; now --offline asks for pypi.org) is still installable
// from the wheels downloaded before. Each is named by the sha256 it was
// verified with when it was stored.
func (c *Client) cachedWheelFiles(n string) []File {
	root := c.opts.CacheDir
	if root == "" {
		return nil
	}
	bucket := filepath.Join(root, layout.WheelsBucket)
	shards, _ := os.ReadDir(bucket)
	var files []File
	for _, shard := range shards {
		if !shard.IsDir() || len(shard.Name()) != 2 {
			continue // .tmp, by-url
		}
		shas, _ := os.ReadDir(filepath.Join(bucket, shard.Name()))
		for _, sha := range shas {
			if !validSHA256(sha.Name()) {
				continue
			}
			ents, _ := os.ReadDir(filepath.Join(bucket, shard.Name(), sha.Name()))
			for _, e := range ents {
				if !e.Type().IsRegular() || !belongsTo(e.Name(), n) || !safeFilename(e.Name()) {
					continue
				}
				p := layout.WheelFile(root, sha.Name(), e.Name())
				files = append(files, File{Filename: e.Name(), URL: fileURL(p).String(), SHA256: sha.Name(), Index: "the cache (--offline)"})
			}
		}
	}
	return files
}

// localCopy is f in one of Options.LocalCopies, when f's sha256 is known
// and the copy has it.
func (c *Client) localCopy(f File) (string, bool) {
	want := strings.ToLower(f.SHA256)
	if !validSHA256(want) || !safeFilename(f.Filename) {
		return "", false
	}
	for _, dir := range c.opts.LocalCopies {
		p := filepath.Join(dir, f.Filename)
		fh, _, err := fsutil.OpenRegular(p)
		if err != nil {
			continue
		}
		h := sha256.New()
		_, err = io.Copy(h, fh)
		fh.Close()
		if err == nil && hex.EncodeToString(h.Sum(nil)) == want {
			return p, true
		}
		c.log.Debug("local copy differs from the locked hash", "path", p)
	}
	return "", false
}
