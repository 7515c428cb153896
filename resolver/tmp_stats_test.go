package resolver
import ("context";"testing";"time";"strings";"os";"strconv"
	"github.com/pkginstall/pkginstall/internal/pep440")
type brokenTail struct{ *fanOut }
func (b brokenTail) Dependencies(ctx context.Context, pkg string, v pep440.Version) (map[string]pep440.Range, error) {
	d, err := b.fanOut.Dependencies(ctx, pkg, v)
	if pkg == b.name(b.nPkgs-1) { d["missing"] = pep440.Full() }
	return d, err
}
func TestTmpStats(t *testing.T){
	n, _ := strconv.Atoi(os.Getenv("NP")); m, _ := strconv.Atoi(os.Getenv("NV"))
	f := newFanOut(n, m)
	start := time.Now()
	_, err := Solve(context.Background(), brokenTail{f}, map[string]pep440.Range{f.name(0): pep440.Full()})
	t.Log(time.Since(start), len(strings.Split(err.Error(), "\n")))
}
