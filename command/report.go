package command

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"net/url"
	"os"
	"path"
	"path/filepath"
	"strings"

	"github.com/seedform/seedform/lockfile"
	"github.com/seedform/seedform/pipeline"
	"github.com/seedform/seedform/report"
	"github.com/seedform/seedform/review"
	"github.com/seedform/seedform/views/jsonui"
)

// reportFlags are seedform report's flags.
type reportFlags struct {
	vf           varFlags
	base, out    string
	format       string
	imageBaseURL string
	limit        int
	json         bool
}

func runReport(ctx context.Context, m *Meta, args []string) int {
	fs := newFlags(m, "report")
	var rf reportFlags
	rf.vf.register(fs)
	fs.StringVar(&rf.base, "base", "", "report what changed since the git `REF` (after an apply) instead of what a plan will change")
	fs.StringVar(&rf.out, "out", "", "write the HTML report (index.html, thumbnails, report.json) into `DIR` (default seedform-report with -format=html)")
	fs.StringVar(&rf.format, "format", "html", "html, or markdown (printed, for $GITHUB_STEP_SUMMARY or a pull-request comment)")
	fs.StringVar(&rf.imageBaseURL, "image-base-url", "", "Markdown shows the thumbnails of -out at `URL` (where DIR is published)")
	fs.BoolVar(&rf.json, "json", false, "print the plan's changes as JSON lines, naming each one's current files and their thumbnails")
	fs.IntVar(&rf.limit, "markdown-limit", report.CommentLimit, "the most characters the Markdown may have (a GitHub step summary takes 1048576)")
	pos, ok := parseArgs(m, fs, args, 1, "a plan file")
	if !ok {
		return 1
	}
	if msg := rf.check(len(pos) > 0); msg != "" {
		fmt.Fprintf(m.Stderr, "Error: %s\n", msg)
		return 1
	}
	if rf.format == "html" && rf.out == "" {
		rf.out = "seedform-report"
	}
	s := newSession(m, &planFlags{varFlags: rf.vf, json: rf.json})
	r, ws, plan := rf.build(ctx, s, pos)
	if r == nil {
		return 1
	}
	f, err := review.Read(m.path(review.FileName))
	if err != nil {
		s.diag.errorf("%v", err)
		return 1
	}
	r.ApplyVerdicts(f)
	if rf.out != "" {
		if err := writeReportDir(ctx, m.path(rf.out), r, rf.format == "markdown"); err != nil {
			s.diag.errorf("writing the report: %v", err)
			return 1
		}
	}
	switch {
	case rf.json:
		s.json.Files = reportFiles(r, rf.out)
		s.json.Plan(plan)
		s.json.Message("info", "wrote the review to "+path.Join(filepath.ToSlash(rf.out), "index.html"))
		return 0
	case rf.format == "markdown":
		fmt.Fprint(m.Stdout, report.Markdown(r, report.MarkdownOptions{Limit: rf.limit, ImageURL: rf.imageURL(ctx, m, ws, r)}))
		return 0
	}
	fmt.Fprintf(m.Stdout, "%s\nWrote the review to %s.\n", r.Headline(), filepath.Join(rf.out, "index.html"))
	return 0
}

// check returns what is wrong with the flags, "" when nothing is.
func (rf *reportFlags) check(planFile bool) string {
	switch {
	case rf.format != "html" && rf.format != "markdown":
		return fmt.Sprintf("-format=%s: use html or markdown", rf.format)
	case planFile && rf.base != "":
		return "a plan file and -base are two kinds of report (what a plan will change; what changed since a revision): give one"
	case rf.base != "" && len(rf.vf.vars)+len(rf.vf.files) > 0:
		return "-var and -var-file shape a plan; a -base report compares the lock now with the lock at REF"
	case rf.imageBaseURL != "" && rf.out == "":
		return "-image-base-url points at the thumbnails -out writes: give -out=DIR too, and publish DIR at that URL"
	case rf.json && (rf.base != "" || rf.format == "markdown"):
		return "-json prints a plan's changes with their thumbnails: it takes neither -base (read report.json) nor -format=markdown"
	case rf.limit < 1024:
		return fmt.Sprintf("-markdown-limit=%d is too small for a report", rf.limit)
	}
	if rf.imageBaseURL != "" {
		u, err := url.Parse(rf.imageBaseURL)
		if err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" {
			return fmt.Sprintf("-image-base-url=%s: give an http(s) URL", rf.imageBaseURL)
		}
	}
	return ""
}

// build makes the report model: from a plan (a saved one, or made now)
// or from the lock at -base.
func (rf *reportFlags) build(ctx context.Context, s *session, pos []string) (*report.Report, *pipeline.Workspace, *pipeline.Plan) {
	opts := pipeline.Options{Vars: rf.vf.vars, VarFiles: rf.vf.files}
	var saved *pipeline.Plan
	if len(pos) == 1 {
		f, err := readSaved(s.m, pos[0], rf.vf.vars)
		if err != nil {
			s.diag.errorf("%v", err)
			return nil, nil, nil
		}
		saved = f.Pipeline()
		opts = saved.Options
	}
	if !s.open(opts, false, 0, "report") {
		return nil, nil, nil
	}
	if rf.base != "" {
		rev, err := report.OpenRev(ctx, s.ws.Dir, rf.base)
		if err != nil {
			s.diag.errorf("%v", err)
			return nil, nil, nil
		}
		defer rev.Close()
		now := report.WorkspaceSide(s.ws)
		base, err := report.RevSide(ctx, rev, now.OutputDir)
		if err != nil {
			s.diag.errorf("%v", err)
			return nil, nil, nil
		}
		return report.FromBase(base, now, &report.BaseRev{Ref: rev.Ref, Commit: rev.Commit}), s.ws, nil
	}
	plan := s.plan(opts)
	if plan == nil {
		return nil, nil, nil
	}
	if saved != nil {
		if err := pipeline.CheckSaved(saved, plan); err != nil {
			s.diag.errorf("%v", err)
			return nil, nil, nil
		}
	}
	return report.FromPlan(s.ws, plan), s.ws, plan
}

// writeReportDir writes the thumbnails, index.html, report.json and,
// with markdown, report.md (thumbnails by relative path) into dir.
func writeReportDir(ctx context.Context, dir string, r *report.Report, markdown bool) error {
	if err := checkReportDir(dir); err != nil {
		return err
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	if err := report.WriteThumbs(ctx, r, dir); err != nil {
		return err
	}
	var page bytes.Buffer
	if err := report.WriteHTML(&page, r); err != nil {
		return err
	}
	if err := lockfile.WriteFile(filepath.Join(dir, "index.html"), page.Bytes()); err != nil {
		return err
	}
	data, err := json.MarshalIndent(r, "", "  ")
	if err != nil {
		return err
	}
	if err := lockfile.WriteFile(filepath.Join(dir, "report.json"), append(data, '\n')); err != nil {
		return err
	}
	if !markdown {
		return nil
	}
	md := report.Markdown(r, report.MarkdownOptions{Limit: report.StepSummaryLimit, ImageURL: func(img *report.Image, _ bool) string { return img.Thumb }})
	return lockfile.WriteFile(filepath.Join(dir, "report.md"), []byte(md))
}

// checkReportDir refuses a directory that holds anything but an earlier
// report, so that a mistyped -out (the config directory, the images)
// overwrites nothing of the user's.
func checkReportDir(dir string) error {
	entries, err := os.ReadDir(dir)
	if errors.Is(err, fs.ErrNotExist) || err == nil && len(entries) == 0 {
		return nil
	}
	if err != nil {
		return err
	}
	var earlier struct {
		FormatVersion *int `json:"format_version"`
	}
	if b, err := os.ReadFile(filepath.Join(dir, "report.json")); err == nil && json.Unmarshal(b, &earlier) == nil && earlier.FormatVersion != nil {
		return nil
	}
	return fmt.Errorf("%s is not empty and holds no earlier report (report.json): give -out a new or empty directory, so that nothing in it is overwritten", dir)
}

// imageURL is how the Markdown shows images: the published thumbnails
// (-image-base-url), else GitHub's URLs of the committed files when run in
// GitHub Actions, else none.
func (rf *reportFlags) imageURL(ctx context.Context, m *Meta, ws *pipeline.Workspace, r *report.Report) func(*report.Image, bool) string {
	if rf.imageBaseURL != "" {
		base := strings.TrimSuffix(rf.imageBaseURL, "/")
		return func(img *report.Image, _ bool) string {
			if img.Thumb == "" {
				return ""
			}
			return base + "/" + img.Thumb
		}
	}
	repo, sha := m.Getenv("GITHUB_REPOSITORY"), m.Getenv("GITHUB_SHA")
	if repo == "" || sha == "" {
		return nil
	}
	head, err := report.OpenRev(ctx, ws.Dir, "HEAD")
	if err != nil {
		return nil // not a git checkout: no URL can name the files
	}
	server := m.Getenv("GITHUB_SERVER_URL")
	if server == "" {
		server = "https://github.com"
	}
	blob := func(commit, rel string) string {
		return fmt.Sprintf("%s/%s/blob/%s/%s?raw=true", server, repo, commit, escapePath(head.RepoPath(rel)))
	}
	// A plan's after images are not committed anywhere yet: a moved or
	// updated file is shown by its content's current path.
	committed := map[string]string{}
	for _, it := range r.Items {
		for _, img := range it.Before {
			committed[img.SHA256] = img.Path
		}
	}
	return func(img *report.Image, before bool) string {
		switch {
		case r.Base != nil && before:
			return blob(r.Base.Commit, img.Path)
		case r.Base != nil:
			return blob(sha, img.Path)
		case committed[img.SHA256] != "":
			return blob(sha, committed[img.SHA256])
		}
		return ""
	}
}

// escapePath escapes each segment of a slash path for a URL.
func escapePath(p string) string {
	segs := strings.Split(p, "/")
	for i, s := range segs {
		segs[i] = url.PathEscape(s)
	}
	return strings.Join(segs, "/")
}

// currentFiles are the files each change of p replaces, moves or
// deletes, for the JSON view's planned changes.
func currentFiles(ws *pipeline.Workspace, p *pipeline.Plan) map[string][]jsonui.CurrentFile {
	out := map[string][]jsonui.CurrentFile{}
	for _, c := range p.Changes {
		if c.Action == pipeline.NoOp {
			continue
		}
		for _, img := range report.CurrentFiles(ws, c) {
			out[c.Addr] = append(out[c.Addr], jsonui.CurrentFile{Path: img.Path, SHA256: img.SHA256, Width: img.Width, Height: img.Height})
		}
	}
	return out
}

// reportFiles are the before images of the report's items, with their
// thumbnails (relative to the configuration directory, as out is), for
// the JSON view's planned changes.
func reportFiles(r *report.Report, dir string) map[string][]jsonui.CurrentFile {
	out := map[string][]jsonui.CurrentFile{}
	for _, it := range r.Items {
		for _, img := range it.Before {
			out[it.Address] = append(out[it.Address], jsonui.CurrentFile{Path: img.Path, SHA256: img.SHA256,
				Width: img.Width, Height: img.Height, Thumbnail: thumbPath(dir, img.Thumb)})
		}
	}
	return out
}

func thumbPath(out, thumb string) string {
	if thumb == "" {
		return ""
	}
	return path.Join(filepath.ToSlash(out), thumb)
}
