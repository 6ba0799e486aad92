package command

import (
	"context"
	"flag"
	"fmt"
	"path"
	"path/filepath"
	"strings"

	"github.com/hashicorp/hcl/v2"
	"github.com/seedform/seedform/lockfile"
	"github.com/seedform/seedform/report"
	"github.com/seedform/seedform/review"
)

func runApprove(_ context.Context, m *Meta, args []string) int {
	fs := newFlags(m, "approve")
	note := fs.String("note", "", "a note kept with the verdict")
	reject := fs.Bool("reject", false, "record that the content is rejected instead")
	from := fs.String("from", "", "also record the verdicts of `FILE`, exported from the HTML report")
	addrs, err := parseInterspersed(fs, args)
	if err != nil {
		return 1 // the flag package has printed the error and the flags
	}
	if len(addrs) == 0 && *from == "" {
		fmt.Fprintln(m.Stderr, "Error: approve needs the address of an asset (such as image.hero), or -from=FILE")
		return 1
	}
	reviewPath := m.path(review.FileName)
	f, err := review.Read(reviewPath)
	if err != nil {
		fmt.Fprintf(m.Stderr, "Error: %v\n", err)
		return 1
	}
	if *from != "" {
		exported, err := review.Read(m.path(*from))
		if err == nil && len(exported.Approvals) == 0 {
			err = fmt.Errorf("%s holds no verdicts", *from)
		}
		if err != nil {
			fmt.Fprintf(m.Stderr, "Error: %v\n", err)
			return 1
		}
		f.Merge(exported)
		fmt.Fprintf(m.Stdout, "Recorded %d verdict(s) from %s.\n", len(exported.Approvals), *from)
	}
	if len(addrs) > 0 {
		verdict := review.Approved
		if *reject {
			verdict = review.Rejected
		}
		if !recordVerdicts(m, f, addrs, review.Approval{Verdict: verdict, Note: *note}) {
			return 1
		}
	}
	if err := f.Write(reviewPath); err != nil {
		fmt.Fprintf(m.Stderr, "Error: %v\n", err)
		return 1
	}
	return 0
}

// recordVerdicts gives every output of each address the verdict v; it
// records nothing unless every address is recorded with outputs.
func recordVerdicts(m *Meta, f *review.File, addrs []string, v review.Approval) bool {
	lock, err := readRecorded(m)
	if err != nil {
		fmt.Fprintf(m.Stderr, "Error: %v\n", err)
		return false
	}
	var bad []string
	for _, addr := range addrs {
		if e := lock.Assets[addr]; e == nil || len(e.Outputs) == 0 {
			bad = append(bad, addr)
		}
	}
	if len(bad) > 0 {
		fmt.Fprintf(m.Stderr, "Error: %s recorded no outputs for %s: only generated outputs can be approved (seedform show lists them; apply first)\n",
			lockfile.FileName, strings.Join(bad, ", "))
		return false
	}
	if msg := checkOnDisk(m, lock, addrs); msg != "" {
		fmt.Fprintf(m.Stderr, "Error: %s\n", msg)
		return false
	}
	for _, addr := range addrs {
		v.Address = addr
		for _, o := range lock.Assets[addr].Outputs {
			if err := f.Record(o.SHA256, v); err != nil {
				fmt.Fprintf(m.Stderr, "Error: %s: %v\n", addr, err)
				return false
			}
		}
		fmt.Fprintf(m.Stdout, "%s %s (%s).\n", verdictWord(v.Verdict), addr, countImages(len(lock.Assets[addr].Outputs)))
	}
	return true
}

// checkOnDisk says, when an output of addrs is not on disk as the lock
// records it, which and what to do; "" when all are. An approval is of
// content a reviewer saw: a file edited by hand or gone is not it.
func checkOnDisk(m *Meta, lock *lockfile.Lock, addrs []string) string {
	if lock.OutputDir == "" {
		return "" // an older lock: where its files are is the config's to say
	}
	for _, addr := range addrs {
		for _, o := range lock.Assets[addr].Outputs {
			rel := path.Join(lock.OutputDir, o.Path)
			sum, _, err := lockfile.HashFile(m.path(filepath.FromSlash(rel)))
			switch {
			case err != nil:
				return fmt.Sprintf("%s: %s cannot be read (%v): only outputs on disk can be approved; run seedform plan to see what apply would do", addr, rel, err)
			case sum != o.SHA256:
				return fmt.Sprintf("%s: %s was changed since it was recorded (edited by hand?): what is on disk is not what the lock records; seedform plan shows the drift", addr, rel)
			}
		}
	}
	return ""
}

func verdictWord(v review.Verdict) string {
	if v == review.Rejected {
		return "Rejected"
	}
	return "Approved"
}

func countImages(n int) string {
	if n == 1 {
		return "1 image"
	}
	return fmt.Sprintf("%d images", n)
}

// checkApprovals is plan -require-approval: every output whose content
// is new since base needs an approving verdict in the review file.
func (s *session) checkApprovals(ctx context.Context, base string) bool {
	rev, err := report.OpenRev(ctx, s.ws.Dir, base)
	if err != nil {
		s.diag.errorf("%v", err)
		return false
	}
	defer rev.Close()
	baseSide, err := report.RevSide(ctx, rev, report.WorkspaceSide(s.ws).OutputDir)
	if err != nil {
		s.diag.errorf("%v", err)
		return false
	}
	f, err := review.Read(s.m.path(review.FileName))
	if err != nil {
		s.diag.errorf("%v", err)
		return false
	}
	missing := report.NeedApproval(baseSide, report.WorkspaceSide(s.ws), f)
	if len(missing) == 0 {
		return true
	}
	var b strings.Builder
	seen := map[string]bool{}
	var addrs []string
	for _, u := range missing {
		state := "not reviewed"
		if u.Verdict == review.Rejected {
			state = "rejected"
		}
		fmt.Fprintf(&b, "  %s: %s (sha256 %s…) %s\n", u.Address, u.Path, u.SHA256[:12], state)
		if !seen[u.Address] {
			seen[u.Address] = true
			addrs = append(addrs, u.Address)
		}
	}
	fmt.Fprintf(&b, "\nReview them with: seedform report -base=%s\nand approve them with: seedform approve %s", shellQuote(base), shellQuote(addrs[0]))
	if len(addrs) > 1 {
		b.WriteString(" ...")
	}
	s.diag.write(nil, hcl.Diagnostics{{Severity: hcl.DiagError,
		Summary: fmt.Sprintf("%d output(s) changed since %s lack an approval", len(missing), base),
		Detail:  b.String()}})
	return false
}

// flagGiven reports whether the command line set the flag name.
func flagGiven(fs *flag.FlagSet, name string) bool {
	given := false
	fs.Visit(func(f *flag.Flag) { given = given || f.Name == name })
	return given
}
