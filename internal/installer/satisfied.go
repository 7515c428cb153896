package installer

import (
	"os"
	"path/filepath"

	"github.com/pkginstall/pkginstall/internal/distinfo"
	"github.com/pkginstall/pkginstall/internal/pep440"
	"github.com/pkginstall/pkginstall/internal/pep508"
	"github.com/pkginstall/pkginstall/scheme"
)

// item is a requirement satisfied checks: a name, its extras and range.
type item struct {
	name   string
	extras []string
	rng    pep440.Range
}

// satisfiedRoots are the requirements of req whose markers hold, as items;
// false when one has no name yet (a wheel path, before planning).
func satisfiedRoots(req *Request, env map[string]string, direct map[string]*Candidate) ([]item, bool) {
	var queue []item
	for _, r := range req.Reqs {
		if r.Req.Name == "" {
			return nil, false
		}
		if r.Req.Marker != nil {
			e := copyEnv(env)
			e["extra"] = ""
			if ok, err := r.Req.Marker.Evaluate(e); err != nil || !ok {
				continue
			}
		}
		rng := r.Req.Specifier.Range()
		name := pep508.NormalizeName(r.Req.Name)
		if d := direct[name]; d != nil {
			if d.builtNow() {
				return nil, false // a changed source tree is installed again
			}
			rng = rng.Intersect(pep440.Exactly(d.Version))
		}
		queue = append(queue, item{name, r.Req.Extras, rng})
	}
	return queue, true
}

// satisfied reports whether the installed distributions already satisfy
// every requirement of req and, transitively, their dependencies (extras
// included) and the constraints — pip's "requirement already satisfied".
// Then a run has nothing to do and asks no index. It returns the
// distributions it visited.
func satisfied(req *Request, inst map[string]scheme.Dist, env map[string]string, direct map[string]*Candidate) ([]string, bool) {
	if req.Upgrade || req.Reinstall {
		return nil, false
	}
	cons := map[string]pep440.Range{}
	for _, c := range req.Constraints {
		n := pep508.NormalizeName(c.Req.Name)
		if r, ok := cons[n]; ok {
			cons[n] = r.Intersect(c.Req.Specifier.Range())
		} else {
			cons[n] = c.Req.Specifier.Range()
		}
	}
	queue, ok := satisfiedRoots(req, env, direct)
	if !ok {
		return nil, false
	}
	type state struct {
		md     *distinfo.Metadata
		extras map[string]bool
	}
	seen := map[string]*state{}
	var visited []string
	for len(queue) > 0 {
		it := queue[0]
		queue = queue[1:]
		d, ok := inst[it.name]
		if !ok || len(d.DanglingLinks) > 0 { // a dangling symlink is repaired by installing again
			return nil, false
		}
		v, err := pep440.Parse(d.Version)
		if err != nil || !it.rng.Contains(v) {
			return nil, false
		}
		if c, ok := cons[it.name]; ok && !c.Contains(v) {
			return nil, false
		}
		st := seen[it.name]
		var newExtras []string
		if st == nil {
			b, err := os.ReadFile(filepath.Join(d.DistInfo, "METADATA"))
			if err != nil {
				return nil, false
			}
			md, err := distinfo.ParseMetadata(b)
			if err != nil {
				return nil, false
			}
			st = &state{md: md, extras: map[string]bool{}}
			seen[it.name] = st
			visited = append(visited, it.name)
			newExtras = append(newExtras, "")
		}
		for _, e := range it.extras {
			e = pep508.NormalizeName(e)
			if !st.extras[e] {
				st.extras[e] = true
				newExtras = append(newExtras, e)
			}
		}
		if req.NoDeps {
			continue
		}
		for _, extra := range newExtras {
			for _, line := range st.md.RequiresDist {
				r, err := pep508.ParseRequirement(line)
				if err != nil {
					return nil, false
				}
				e := copyEnv(env)
				e["extra"] = extra
				if r.Marker != nil {
					if ok, err := r.Marker.Evaluate(e); err != nil || !ok {
						continue
					}
				} else if extra != "" {
					continue // already checked for the base
				}
				queue = append(queue, item{pep508.NormalizeName(r.Name), r.Extras, r.Specifier.Range()})
			}
		}
	}
	return visited, true
}
