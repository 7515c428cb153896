package main

import (
	"fmt"
	"slices"

	"github.com/pkginstall/pkginstall/internal/pep440"
)

// A universe is a synthetic package index: every project's releases with
// their requirements (PEP 508 strings, as in METADATA's Requires-Dist).
type universe struct {
	ID, Label string
	Request   []string
	Projects  map[string][]release
	// Want, when set, is a check of the answer: project -> version.
	Want map[string]string
	// Solvable says whether a solution exists.
	Solvable bool
}

type release struct {
	Version  string
	Requires []string
}

func (u *universe) add(name, version string, requires ...string) {
	if u.Projects == nil {
		u.Projects = map[string][]release{}
	}
	u.Projects[name] = append(u.Projects[name], release{version, requires})
}

// Versions counts the releases of every project.
func (u *universe) Versions() int {
	n := 0
	for _, rs := range u.Projects {
		n += len(rs)
	}
	return n
}

// newest returns the releases of name, newest first.
func (u *universe) newest(name string) []release {
	rs := slices.Clone(u.Projects[name])
	slices.SortFunc(rs, func(a, b release) int {
		return pep440.MustParse(b.Version).Compare(pep440.MustParse(a.Version))
	})
	return rs
}

// botoUniverse is case 1, shaped like boto3/botocore/urllib3 on PyPI: n
// releases of boto3, each pinning its own botocore release line
// (>=1.N.0,<1.N+1.0); n releases of botocore; the newest capped releases
// of botocore (the last fifth) cap urllib3<2 while older ones allow
// urllib3<3; and a package that needs urllib3>=2. So the newest
// boto3/botocore pairs all conflict with urllib3 2 and the resolver must
// walk back to the newest botocore that allows it.
func botoUniverse(n int) *universe {
	u := &universe{ID: "boto", Solvable: true,
		Label:   fmt.Sprintf("(1) boto3/botocore-like: %d versions each, botocore's cap on urllib3 conflicts", n),
		Request: []string{"rb-boto3", "rb-needs-new-urllib3"}}
	capped := n - n/5
	for i := range n {
		u.add("rb-boto3", fmt.Sprintf("1.%d.0", i),
			fmt.Sprintf("rb-botocore>=1.%d.0,<1.%d.0", i, i+1), "rb-jmespath>=0.7.1,<2.0.0", "rb-s3transfer>=0.6.0,<0.12.0")
		cap := "rb-urllib3>=1.25.4,<3"
		if i >= capped {
			cap = "rb-urllib3>=1.25.4,<2"
		}
		u.add("rb-botocore", fmt.Sprintf("1.%d.0", i), "rb-jmespath>=0.7.1,<2.0.0", "rb-python-dateutil>=2.1,<3.0.0", cap)
	}
	for i := range 12 {
		u.add("rb-s3transfer", fmt.Sprintf("0.%d.0", i), "rb-botocore>=1.0.0,<2.0a0")
	}
	for _, v := range []string{"0.9.0", "0.10.0", "1.0.0", "1.0.1"} {
		u.add("rb-jmespath", v)
	}
	for _, v := range []string{"2.8.0", "2.8.1", "2.8.2", "2.9.0"} {
		u.add("rb-python-dateutil", v, "rb-six>=1.5")
	}
	u.add("rb-six", "1.16.0")
	u.add("rb-six", "1.17.0")
	for _, v := range []string{"1.25.4", "1.25.11", "1.26.0", "1.26.18", "1.26.20", "2.0.0", "2.0.7", "2.1.0", "2.2.0", "2.2.3"} {
		u.add("rb-urllib3", v)
	}
	u.add("rb-needs-new-urllib3", "1.0", "rb-urllib3>=2")
	last := fmt.Sprintf("1.%d.0", capped-1)
	u.Want = map[string]string{"rb-boto3": last, "rb-botocore": last, "rb-urllib3": "2.2.3"}
	return u
}

// wideUniverse is case 2: nPkgs projects of nVers versions, solvable, wide
// (the request names every tenth project; each release needs three others)
// and deep (project i needs i+1, a chain through all of them). The newest
// release of every seventh project needs a project that does not exist, so
// those fall back one version.
func wideUniverse(nPkgs, nVers int) *universe {
	u := &universe{ID: "wide", Solvable: true,
		Label: fmt.Sprintf("(2) %d projects × %d versions, solvable, wide and deep", nPkgs, nVers)}
	name := func(i int) string { return fmt.Sprintf("rw-p%03d", i) }
	for i := range nPkgs {
		if i%10 == 0 {
			u.Request = append(u.Request, name(i))
		}
		for j := 1; j <= nVers; j++ {
			var reqs []string
			for _, k := range []int{1, 7, 13} {
				if i+k < nPkgs {
					reqs = append(reqs, fmt.Sprintf("%s>=%d.0", name(i+k), max(1, j-10)))
				}
			}
			if j == nVers && i%7 == 3 {
				reqs = append(reqs, "rw-missing")
			}
			u.add(name(i), fmt.Sprintf("%d.0", j), reqs...)
		}
	}
	return u
}

// gridUniverse is case 3: the unsolvable grid of nPkgs projects with nVers
// versions (the resolver's fan-out benchmark). Version j of project i
// needs q(i+1)>=j-20, q(i+2)<j+10 and q(i+5 mod n)>=j-5,<j+5; the three
// newest versions of each also need a project that does not exist, and so
// does every version of the last project, so there is no solution, and
// proving it takes the resolver through many conflicts.
func gridUniverse(nPkgs, nVers int) *universe {
	u := &universe{ID: "grid", Label: fmt.Sprintf("(3) %d × %d grid, unsolvable", nPkgs, nVers)}
	name := func(i int) string { return fmt.Sprintf("rg-q%03d", i) }
	u.Request = []string{name(0)}
	for i := range nPkgs {
		for j := 1; j <= nVers; j++ {
			var reqs []string
			if i+1 < nPkgs {
				reqs = append(reqs, fmt.Sprintf("%s>=%d", name(i+1), max(0, j-20)))
			}
			if i+2 < nPkgs {
				reqs = append(reqs, fmt.Sprintf("%s<%d", name(i+2), j+10))
			}
			reqs = append(reqs, fmt.Sprintf("%s>=%d,<%d", name((i+5)%nPkgs), max(0, j-5), j+5))
			if j > nVers-3 || i == nPkgs-1 {
				reqs = append(reqs, "rg-missing")
			}
			u.add(name(i), fmt.Sprintf("%d.0", j), reqs...)
		}
	}
	return u
}

func universes() []*universe {
	return []*universe{botoUniverse(1500), wideUniverse(300, 50), gridUniverse(200, 50)}
}
