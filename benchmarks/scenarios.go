package main

import (
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"time"

	"github.com/seedform/seedform/benchmarks/fixture"
	"github.com/seedform/seedform/seedream/seedreamtest"
)

// scenario is one row of the table.
type scenario struct {
	name   string
	target string
	ideal  time.Duration // 0 when there is no ideal to compare with
	// prepare builds what the runs share and returns the run function.
	prepare func(e *env) (runFunc, error)
	// check returns why the row misses its target, "" when it meets it.
	check func(r row) string
}

// runFunc makes run number i and returns what it measured.
type runFunc func(i int) (sample, error)

// sample is what one run measured.
type sample struct {
	wall      time.Duration
	requests  int // generation requests the server received
	throttled int // of which answered 429
	rssKB     int64
	// extra are scenario-specific figures, by name.
	extra map[string]float64
	// note is free text for the "more" column.
	note string
}

// sizes are the scenario sizes of a full or a short (CI) run.
type sizes struct {
	planSmall, planMid, planLarge int
	makespanImages                int
	makespanLatency               time.Duration
	ipmImages                     int
	bigImages                     int
	bigPadding                    int64
	bigLatency                    time.Duration
	localImages                   int
	applyNew                      []int
	reportAssets                  int
	shardImages                   int
	terraform                     []int // plan sizes side by side with Terraform
}

var (
	fullSizes = sizes{
		planSmall: 1000, planMid: 10000, planLarge: 100000,
		makespanImages: 400, makespanLatency: 250 * time.Millisecond,
		ipmImages: 300,
		bigImages: 96, bigPadding: 11 << 20, bigLatency: time.Second,
		localImages:  2000,
		applyNew:     []int{1000, 10000, 100000},
		shardImages:  400,
		reportAssets: 500,
		terraform:    []int{1000, 10000},
	}
	shortSizes = sizes{
		planSmall: 200, planMid: 1000, planLarge: 5000,
		makespanImages: 64, makespanLatency: 100 * time.Millisecond,
		ipmImages: 40,
		bigImages: 8, bigPadding: 2 << 20, bigLatency: 100 * time.Millisecond,
		localImages:  200,
		applyNew:     []int{100, 1000},
		shardImages:  80,
		reportAssets: 40,
		terraform:    []int{100}, // 10,000 takes Terraform minutes
	}
)

func scenarios(short bool) []scenario {
	sz := fullSizes
	if short {
		sz = shortSizes
	}
	ideal := func(images, slots int, latency time.Duration) time.Duration {
		return time.Duration(images/slots) * latency
	}
	var applyNew []scenario
	for _, n := range sz.applyNew {
		applyNew = append(applyNew, applyNewScenario(n))
	}
	for _, n := range sz.applyNew[:2] {
		applyNew = append(applyNew, applyReplaceScenario(n))
	}
	applyNew = append(applyNew, shardScenario(sz.shardImages, 4, sz.makespanLatency))
	applyNew = append(applyNew, terraformScenarios(sz.terraform)...)
	return append([]scenario{
		planScenario(sz.planSmall, 0, 0),
		planScenario(sz.planMid, 300*time.Millisecond, 48),
		planScenario(sz.planLarge, 3*time.Second, 256),
		applyNoOpScenario(sz.planMid),
		{
			name:   fmt.Sprintf("apply-%d-p16", sz.makespanImages),
			target: "within 5% of ideal",
			ideal:  ideal(sz.makespanImages, 16, sz.makespanLatency),
			prepare: func(e *env) (runFunc, error) {
				return applyRun(e, "p16", applySetup{n: sz.makespanImages, parallelism: 16, maxInFlight: 16, latency: sz.makespanLatency})
			},
			check: func(r row) string { return ratioAtMost(r, 1.05) },
		},
		{
			name:   fmt.Sprintf("apply-%d-p64", sz.makespanImages),
			target: "within 15% of ideal, 429s <= 10%",
			ideal:  ideal(sz.makespanImages, 16, sz.makespanLatency),
			prepare: func(e *env) (runFunc, error) {
				return applyRun(e, "p64", applySetup{n: sz.makespanImages, parallelism: 64, maxInFlight: 16, latency: sz.makespanLatency})
			},
			check: func(r row) string {
				if miss := ratioAtMost(r, 1.15); miss != "" {
					return miss
				}
				if r.requests > 0 && float64(r.throttled) > 0.10*float64(r.requests) {
					return fmt.Sprintf("%.0f%% of requests answered 429", 100*float64(r.throttled)/float64(r.requests))
				}
				return ""
			},
		},
		knownCapacityScenario(sz.makespanImages, 32, sz.makespanLatency),
		{
			name:   fmt.Sprintf("ipm-600-%d", sz.ipmImages),
			target: "<= 10 starts/s on average",
			ideal:  time.Duration(sz.ipmImages) * time.Second / 10,
			prepare: func(e *env) (runFunc, error) {
				return applyRun(e, "ipm", applySetup{n: sz.ipmImages, parallelism: 16, imagesPerMinute: 600, latency: 250 * time.Millisecond})
			},
			check: func(r row) string {
				if rate := r.extra["starts/s"]; rate > 10.0 {
					return fmt.Sprintf("%.2f starts/s on average", rate)
				}
				return ""
			},
		},
		{
			name:   fmt.Sprintf("b64-4k-%d", sz.bigImages),
			target: "peak RSS < 128 MiB",
			prepare: func(e *env) (runFunc, error) {
				return applyRun(e, "b64", applySetup{
					n: sz.bigImages, parallelism: 32, latency: sz.bigLatency, padding: sz.bigPadding,
					responseFormat: "b64_json", model: "doubao-seedream-4-5-251128", size: "4096x4096",
				})
			},
			check: func(r row) string {
				if r.rssKB >= 128<<10 {
					return fmt.Sprintf("peak RSS %d MiB", r.rssKB>>10)
				}
				return ""
			},
		},
		{
			name:   fmt.Sprintf("local-%d", sz.localImages),
			target: "under 5 s",
			prepare: func(e *env) (runFunc, error) {
				return applyRun(e, "local", applySetup{n: sz.localImages, parallelism: 16})
			},
			check: func(r row) string { return wallUnder(r, 5*time.Second) },
		},
		reportScenario(sz.reportAssets, 10*time.Second),
	}, applyNew...)
}

// knownCapacityScenario is two applies of n images at parallelism p
// against a server that takes p at once: the first slow-starts from 16
// and remembers in .seedform that the server took p; the second, in a
// fresh directory given that memo, sends p in its first round.
// The row is the second apply; "first apply s" is the first's wall.
func knownCapacityScenario(n, p int, latency time.Duration) scenario {
	// Whole rounds: with 400 at 32 the last round is half empty, and the
	// slow start's first round of 16 fits in it.
	n = n / p * p
	rounds := n / p
	return scenario{
		name: fmt.Sprintf("apply-%d-p%d-again", n, p), target: fmt.Sprintf("first round %d, within 5%% of ideal", p),
		ideal: time.Duration(rounds) * latency,
		prepare: func(e *env) (runFunc, error) {
			return func(i int) (sample, error) {
				srv := seedreamtest.New()
				defer srv.Close()
				srv.SetLatency(latency)
				srv.SetMaxInFlight(p)
				// Two fresh directories of the same config, the second
				// given only the first's capacity memo: the same work, so
				// that the difference is where the limiter starts.
				var dirs [2]string
				for k := range dirs {
					d, err := e.dir(fmt.Sprintf("again-%d-%d", i, k))
					if err != nil {
						return sample{}, err
					}
					defer os.RemoveAll(d)
					if err := fixture.WriteConfig(d, fixture.Params{N: n, BaseURL: srv.BaseURL(), Parallelism: p,
						ResponseFormat: "url", Model: fixture.SmallModel, Size: fixture.SmallSize}); err != nil {
						return sample{}, err
					}
					dirs[k] = d
				}
				args := []string{"apply", "-auto-approve", "-no-color", fmt.Sprintf("-parallelism=%d", p)}
				first, err := e.seedform(dirs[0], filepath.Join(e.work, fmt.Sprintf("again-%d-first.log", i)), args)
				if err != nil {
					return sample{}, err
				}
				firstReqs := srv.Requests()
				memo, err := os.ReadFile(filepath.Join(dirs[0], ".seedform", "capacity.json"))
				if err != nil {
					return sample{}, err
				}
				if err := os.MkdirAll(filepath.Join(dirs[1], ".seedform"), 0o755); err != nil {
					return sample{}, err
				}
				if err := os.WriteFile(filepath.Join(dirs[1], ".seedform", "capacity.json"), memo, 0o644); err != nil {
					return sample{}, err
				}
				r, err := e.seedform(dirs[1], filepath.Join(e.work, fmt.Sprintf("again-%d.log", i)), args)
				if err != nil {
					return sample{}, err
				}
				reqs := srv.Requests()[len(firstReqs):]
				out := sample{wall: r.wall, rssKB: r.rssKB, requests: len(reqs), extra: map[string]float64{
					"first apply s":       first.wall.Seconds(),
					"first apply round 1": float64(seedreamtest.FirstRound(firstReqs, latency)),
					"round 1":             float64(seedreamtest.FirstRound(reqs, latency)),
					// From the first request to the last answer, without
					// start-up and plan, which a loaded machine stretches.
					"first apply span s": requestSpan(firstReqs, latency).Seconds(),
					"span s":             requestSpan(reqs, latency).Seconds(),
				}}
				for _, q := range reqs {
					if q.Status == 429 {
						out.throttled++
					}
				}
				return out, nil
			}, nil
		},
		check: func(r row) string {
			if got := r.extra["round 1"]; got != float64(p) {
				return fmt.Sprintf("first round %.0f", got)
			}
			return ratioAtMost(r, 1.05)
		},
	}
}

// requestSpan is the time from the first request of reqs to the last
// answer, each answered latency after it arrived.
func requestSpan(reqs []seedreamtest.Recorded, latency time.Duration) time.Duration {
	if len(reqs) == 0 {
		return 0
	}
	ts := make([]time.Time, len(reqs))
	for i, q := range reqs {
		ts[i] = q.Time
	}
	return slices.MaxFunc(ts, time.Time.Compare).Sub(slices.MinFunc(ts, time.Time.Compare)) + latency
}

// applyNewScenario is apply of n new assets on the placeholder provider
// (64x64 images: what is measured is seedform's own cost of writing and
// recording, not rendering), then the first plan after it. Recording must
// cost the same per asset at every n, and apply must leave the stat cache
// warm so that the plan reads no image.
func applyNewScenario(n int) scenario {
	name := fmt.Sprintf("apply-new-%d", n)
	return scenario{
		name: name, target: "<= 32 KB written per asset; the plan after it reads no image" + applyNewRSSTarget(n),
		prepare: func(e *env) (runFunc, error) {
			return func(i int) (sample, error) {
				dir, err := e.placeholderDir(fmt.Sprintf("%s-%d", name, i), n, "64x64")
				if err != nil {
					return sample{}, err
				}
				defer os.RemoveAll(dir)
				r, err := e.seedform(dir, filepath.Join(e.work, fmt.Sprintf("%s-%d.log", name, i)), applyArgs)
				if err != nil {
					return sample{}, err
				}
				cached := statCacheEntries(dir)
				first, err := e.seedform(dir, filepath.Join(e.work, fmt.Sprintf("%s-%d-plan.log", name, i)), []string{"plan", "-no-color", "-detailed-exitcode"})
				if err != nil {
					return sample{}, err
				}
				out := sample{wall: r.wall, rssKB: r.rssKB, extra: map[string]float64{
					"cpu ms/asset":       float64(r.cpu.Microseconds()) / 1000 / float64(n),
					"KB written/asset":   float64(r.writtenKB) / float64(n),
					"cached after apply": float64(cached),
					"first plan s":       first.wall.Seconds(),
					"first plan MiB":     float64(first.rssKB >> 10),
				}}
				if n == 10000 {
					out.extra["RSS/target"] = float64(r.rssKB) / float64(96<<10)
				}
				return out, nil
			}, nil
		},
		check: func(r row) string {
			if got := int(r.extra["cached after apply"]); got < n {
				return fmt.Sprintf("apply left %d of %d outputs in the stat cache", got, n)
			}
			// Flat in n: an image, its staging and its journal record. A
			// lock rewritten per asset passes this from about 1,000 on.
			if kb := r.extra["KB written/asset"]; kb > 32 {
				return fmt.Sprintf("%.1f KB written per asset", kb)
			}
			if n == 10000 {
				return rssUnder(r, 96)
			}
			return ""
		},
	}
}

// applyArgs apply what is planned at once, 16 requests at a time.
var applyArgs = []string{"apply", "-auto-approve", "-no-color", "-parallelism=16"}

// placeholderDir makes the directory name holding a config of n assets on
// the placeholder provider at size.
func (e *env) placeholderDir(name string, n int, size string) (string, error) {
	dir, err := e.dir(name)
	if err != nil {
		return "", err
	}
	if err := fixture.WriteConfig(dir, fixture.Params{N: n, Placeholder: true, Size: size}); err != nil {
		os.RemoveAll(dir)
		return "", err
	}
	return dir, nil
}

// applyReplaceScenario regenerates n assets the lock holds (their size
// changed): each takes its old entry out and records the new one, which
// must cost what recording a new asset costs, flat in n.
func applyReplaceScenario(n int) scenario {
	name := fmt.Sprintf("apply-replace-%d", n)
	return scenario{
		name: name, target: "<= 32 KB written per asset",
		prepare: func(e *env) (runFunc, error) {
			return func(i int) (sample, error) {
				dir, err := e.placeholderDir(fmt.Sprintf("%s-%d", name, i), n, "64x64")
				if err != nil {
					return sample{}, err
				}
				defer os.RemoveAll(dir)
				log := filepath.Join(e.work, fmt.Sprintf("%s-%d.log", name, i))
				if _, err := e.seedform(dir, log, applyArgs); err != nil {
					return sample{}, err
				}
				if err := fixture.WriteConfig(dir, fixture.Params{N: n, Placeholder: true, Size: "48x48"}); err != nil {
					return sample{}, err
				}
				r, err := e.seedform(dir, log, applyArgs)
				if err != nil {
					return sample{}, err
				}
				return sample{wall: r.wall, rssKB: r.rssKB, extra: map[string]float64{
					"cpu ms/asset":     float64(r.cpu.Microseconds()) / 1000 / float64(n),
					"KB written/asset": float64(r.writtenKB) / float64(n),
				}}, nil
			}, nil
		},
		check: func(r row) string {
			if kb := r.extra["KB written/asset"]; kb > 32 {
				return fmt.Sprintf("%.1f KB written per asset", kb)
			}
			return ""
		},
	}
}

// applyNewRSSTarget is issue 20's memory target: 96 MiB at 10,000.
func applyNewRSSTarget(n int) string {
	if n == 10000 {
		return "; under 96 MiB"
	}
	return ""
}

// planScenario is plan over n up-to-date assets: lock, manifest and files
// present, the stat cache warm. The first plan after the setup (which
// hashes every file) is reported as "cold s".
func planScenario(n int, limit time.Duration, limitMiB int64) scenario {
	sc := scenario{name: fmt.Sprintf("plan-%d", n), target: "-"}
	if limit > 0 {
		sc.target = fmt.Sprintf("under %v and %d MiB", limit, limitMiB)
	}
	sc.prepare = func(e *env) (runFunc, error) {
		dir, err := upToDateDir(e, sc.name, n)
		if err != nil {
			return nil, err
		}
		cold, err := e.seedform(dir, filepath.Join(e.work, sc.name+"-cold.log"), []string{"plan", "-no-color", "-detailed-exitcode"})
		if err != nil {
			return nil, err
		}
		cached := statCacheEntries(dir)
		return func(i int) (sample, error) {
			// -detailed-exitcode exits 2 on any change: 0 proves up to date.
			r, err := e.seedform(dir, filepath.Join(e.work, fmt.Sprintf("%s-%d.log", sc.name, i)), []string{"plan", "-no-color", "-detailed-exitcode"})
			if err != nil {
				return sample{}, err
			}
			out := sample{wall: r.wall, rssKB: r.rssKB, extra: map[string]float64{
				"cold s": cold.wall.Seconds(), "us/asset": float64(r.wall.Microseconds()) / float64(n), "cpu s": r.cpu.Seconds(),
				"stat cache": float64(cached),
			}}
			if limit > 0 {
				out.extra["wall/target"] = r.wall.Seconds() / limit.Seconds()
				out.extra["cpu/target"] = r.cpu.Seconds() / limit.Seconds()
				out.extra["RSS/target"] = float64(r.rssKB) / float64(limitMiB<<10)
			}
			return out, nil
		}, nil
	}
	sc.check = func(r row) string {
		if limit == 0 {
			return ""
		}
		if miss := wallUnder(r, limit); miss != "" {
			return miss
		}
		return rssUnder(r, limitMiB)
	}
	return sc
}

// applyNoOpScenario is apply over n up-to-date assets: it must finish
// quickly and send nothing.
func applyNoOpScenario(n int) scenario {
	name := fmt.Sprintf("apply-noop-%d", n)
	return scenario{
		name: name, target: "under 1s, 0 requests",
		prepare: func(e *env) (runFunc, error) {
			srv := seedreamtest.New()
			dir, err := e.dir(name)
			if err != nil {
				srv.Close()
				return nil, err
			}
			if err := fixture.WriteConfig(dir, fixture.Params{N: n, BaseURL: srv.BaseURL(), Parallelism: 16, ResponseFormat: "url", Model: fixture.SmallModel, Size: fixture.SmallSize}); err != nil {
				return nil, err
			}
			if err := fixture.WriteUpToDate(dir); err != nil {
				return nil, err
			}
			if _, err := e.seedform(dir, filepath.Join(e.work, name+"-cold.log"), []string{"plan", "-no-color", "-detailed-exitcode"}); err != nil {
				return nil, err
			}
			return func(i int) (sample, error) {
				before := srv.Count()
				r, err := e.seedform(dir, filepath.Join(e.work, fmt.Sprintf("%s-%d.log", name, i)), []string{"apply", "-auto-approve", "-no-color"})
				if err != nil {
					return sample{}, err
				}
				return sample{wall: r.wall, rssKB: r.rssKB, requests: srv.Count() - before}, nil
			}, nil
		},
		check: func(r row) string {
			if r.requests != 0 {
				return fmt.Sprintf("%d requests", r.requests)
			}
			return wallUnder(r, time.Second)
		},
	}
}

// upToDateDir writes a config of n assets and everything an apply of it
// would have left behind, on the placeholder provider.
func upToDateDir(e *env, name string, n int) (string, error) {
	dir, err := e.dir(name)
	if err != nil {
		return "", err
	}
	if err := fixture.WriteConfig(dir, fixture.UpToDate(n)); err != nil {
		return "", err
	}
	return dir, fixture.WriteUpToDate(dir)
}

// applySetup is one apply-from-scratch scenario.
type applySetup struct {
	n, parallelism  int
	imagesPerMinute int
	maxInFlight     int // the server's; 0 is unlimited
	latency         time.Duration
	padding         int64 // bytes added to every image
	responseFormat  string
	model, size     string
}

// applyRun returns a run that applies a fresh directory of s.n assets
// against a fresh fake server, and counts what the server saw.
func applyRun(e *env, name string, s applySetup) (runFunc, error) {
	if s.responseFormat == "" {
		s.responseFormat = "url"
	}
	if s.model == "" {
		s.model, s.size = fixture.SmallModel, fixture.SmallSize
	}
	return func(i int) (sample, error) {
		srv := seedreamtest.New()
		defer srv.Close()
		srv.SetLatency(s.latency)
		srv.SetMaxInFlight(s.maxInFlight)
		srv.SetImagePadding(s.padding)
		dir, err := e.dir(fmt.Sprintf("%s-%d", name, i))
		if err != nil {
			return sample{}, err
		}
		defer os.RemoveAll(dir) // big scenarios write gigabytes
		p := fixture.Params{N: s.n, BaseURL: srv.BaseURL(), Parallelism: s.parallelism, ImagesPerMinute: s.imagesPerMinute,
			ResponseFormat: s.responseFormat, Model: s.model, Size: s.size}
		if err := fixture.WriteConfig(dir, p); err != nil {
			return sample{}, err
		}
		// The command-line bound is set above the provider's, so that the
		// provider block's parallelism is what is measured.
		args := []string{"apply", "-auto-approve", "-no-color", fmt.Sprintf("-parallelism=%d", max(s.parallelism, 10))}
		r, err := e.seedform(dir, filepath.Join(e.work, fmt.Sprintf("%s-%d.log", name, i)), args)
		if err != nil {
			return sample{}, err
		}
		reqs := srv.Requests()
		out := sample{wall: r.wall, rssKB: r.rssKB, requests: len(reqs), extra: map[string]float64{
			"max in flight": float64(srv.MaxObservedInFlight()), "cpu s": r.cpu.Seconds(),
		}}
		var starts []time.Time
		for _, q := range reqs {
			if q.Status == 429 {
				out.throttled++
				continue
			}
			starts = append(starts, q.Time)
		}
		if len(starts) > 0 {
			// Where a makespan goes beyond its requests: start-up and plan
			// before the first, and what follows the last answer.
			first, last := slices.MinFunc(starts, time.Time.Compare), slices.MaxFunc(starts, time.Time.Compare)
			out.extra["first start s"] = first.Sub(r.start).Seconds()
			out.extra["after last s"] = (r.wall - last.Sub(r.start) - s.latency).Seconds()
		}
		if len(starts) != s.n {
			return out, fmt.Errorf("the server answered %d generation requests for %d assets", len(starts), s.n)
		}
		if s.imagesPerMinute > 0 {
			out.extra["max/1s window"] = float64(maxInWindow(starts, time.Second))
			out.extra["starts/s"] = meanRate(starts)
		}
		return out, nil
	}, nil
}

// maxInWindow is the most times that fall in any window of length w.
func maxInWindow(ts []time.Time, w time.Duration) int {
	ts = slices.Clone(ts)
	slices.SortFunc(ts, func(a, b time.Time) int { return a.Compare(b) })
	best, j := 0, 0
	for i := range ts {
		for ts[i].Sub(ts[j]) >= w {
			j++
		}
		best = max(best, i-j+1)
	}
	return best
}

// meanRate is the starts per second between the first and the last.
func meanRate(ts []time.Time) float64 {
	if len(ts) < 2 {
		return 0
	}
	first, last := slices.MinFunc(ts, time.Time.Compare), slices.MaxFunc(ts, time.Time.Compare)
	return float64(len(ts)-1) / last.Sub(first).Seconds()
}

func ratioAtMost(r row, limit float64) string {
	if r.ratio > limit {
		return fmt.Sprintf("%.3f x ideal", r.ratio)
	}
	return ""
}

// rssUnder says by how much r's peak RSS misses limitMiB, "" when it does not.
func rssUnder(r row, limitMiB int64) string {
	if r.rssKB >= limitMiB<<10 {
		return fmt.Sprintf("%d MiB", r.rssKB>>10)
	}
	return ""
}

func wallUnder(r row, limit time.Duration) string {
	if r.wall >= limit {
		return fmt.Sprintf("%.3fs", r.wall.Seconds())
	}
	return ""
}
