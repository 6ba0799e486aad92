package main

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"time"

	"github.com/seedform/seedform/benchmarks/fixture"
)

// reportScenario is seedform report -base=HEAD over n assets whose
// images all changed since the base commit: the lock and n images read
// through git, 2n thumbnails made, the page written. The issue asks for a
// report that stays usable at 500 changed assets.
func reportScenario(n int, limit time.Duration) scenario {
	name := fmt.Sprintf("report-%d", n)
	sc := scenario{name: name, target: fmt.Sprintf("under %v", limit)}
	sc.prepare = func(e *env) (runFunc, error) {
		dir, err := e.dir(name)
		if err != nil {
			return nil, err
		}
		gitIn := func(args ...string) error {
			cmd := exec.Command("git", append([]string{"-C", dir}, args...)...)
			cmd.Env = append(os.Environ(), "GIT_AUTHOR_NAME=bench", "GIT_AUTHOR_EMAIL=bench@example.com",
				"GIT_COMMITTER_NAME=bench", "GIT_COMMITTER_EMAIL=bench@example.com", "GIT_CONFIG_NOSYSTEM=1", "GIT_CONFIG_GLOBAL=/dev/null")
			if out, err := cmd.CombinedOutput(); err != nil {
				return fmt.Errorf("git %v: %v: %s", args, err, out)
			}
			return nil
		}
		apply := func(size string) error {
			if err := fixture.WriteConfig(dir, fixture.Params{N: n, Placeholder: true, Size: size}); err != nil {
				return err
			}
			_, err := e.seedform(dir, filepath.Join(e.work, name+"-apply-"+size+".log"), []string{"apply", "-auto-approve", "-no-color"})
			return err
		}
		// Every image changes between the base and now: another size.
		for _, step := range []func() error{
			func() error { return apply("256x256") },
			func() error { return gitIn("init", "-q") },
			func() error { return gitIn("add", "-A") },
			func() error { return gitIn("commit", "-q", "-m", "base") },
			func() error { return apply("320x256") },
		} {
			if err := step(); err != nil {
				return nil, err
			}
		}
		return func(i int) (sample, error) {
			out := fmt.Sprintf("review-%d", i) // a fresh directory: every thumbnail is made
			r, err := e.seedform(dir, filepath.Join(e.work, fmt.Sprintf("%s-%d.log", name, i)), []string{"report", "-base=HEAD", "-out=" + out})
			if err != nil {
				return sample{}, err
			}
			page, err := os.Stat(filepath.Join(dir, out, "index.html"))
			if err != nil {
				return sample{}, err
			}
			thumbs, err := os.ReadDir(filepath.Join(dir, out, "thumbs"))
			if err != nil {
				return sample{}, err
			}
			if len(thumbs) != 2*n {
				return sample{}, fmt.Errorf("%d thumbnails, want %d", len(thumbs), 2*n)
			}
			return sample{wall: r.wall, rssKB: r.rssKB, extra: map[string]float64{
				"ms/asset": float64(r.wall.Milliseconds()) / float64(n), "page KiB": float64(page.Size()) / 1024, "cpu s": r.cpu.Seconds(),
			}}, nil
		}, nil
	}
	sc.check = func(r row) string { return wallUnder(r, limit) }
	return sc
}
