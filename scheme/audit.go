package scheme

import "path/filepath"

// InstalledFiles returns the absolute paths of the files d's RECORD lists
// inside the target (RECORD paths outside it are left out), for telling
// which distribution installed a file.
func (d *Dist) InstalledFiles() []string {
	in, _ := d.targetFiles()
	out := make([]string, len(in))
	for i, rel := range in {
		out[i] = filepath.Join(d.target, filepath.FromSlash(rel))
	}
	return out
}
