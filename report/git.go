package report

import (
	"bytes"
	"context"
	"fmt"
	"io/fs"
	"os/exec"
	"path"
	"strings"
)

// Rev is one git revision of the repository that holds a configuration
// directory. Its files are read from git's object store (git cat-file), so
// no checkout is needed and the work tree is never touched.
type Rev struct {
	// Ref is the revision as the user gave it; Commit is what it names.
	Ref, Commit string
	dir         string // the configuration directory
	prefix      string // dir relative to the repository root: "" or "a/b/"
}

// OpenRev resolves ref in the git repository holding dir.
func OpenRev(ctx context.Context, dir, ref string) (*Rev, error) {
	if ref == "" || strings.HasPrefix(ref, "-") || strings.ContainsAny(ref, "\x00\n") {
		return nil, fmt.Errorf("-base=%q is not a git revision: give a branch, tag or commit (such as origin/main)", ref)
	}
	prefix, err := git(ctx, dir, "rev-parse", "--show-prefix")
	if err != nil {
		return nil, fmt.Errorf("-base needs a git repository, and %s is not in one (%v)", dir, err)
	}
	commit, err := git(ctx, dir, "rev-parse", "--verify", "--quiet", "--end-of-options", ref+"^{commit}")
	if err != nil {
		return nil, fmt.Errorf("-base=%s: no such commit in the repository at %s (fetch it first, for example git fetch origin %s)", ref, dir, ref)
	}
	return &Rev{Ref: ref, Commit: strings.TrimSpace(string(commit)), dir: dir, prefix: strings.TrimSpace(string(prefix))}, nil
}

// RepoPath is rel (a slash path relative to the configuration directory)
// relative to the repository root.
func (r *Rev) RepoPath(rel string) string { return path.Join(r.prefix, rel) }

// ReadFile returns the content of rel (a slash path relative to the
// configuration directory) at the revision. A file the revision does not
// have is an error wrapping fs.ErrNotExist.
func (r *Rev) ReadFile(ctx context.Context, rel string) ([]byte, error) {
	p := r.RepoPath(rel)
	if !fs.ValidPath(p) {
		return nil, fmt.Errorf("%s: not a path inside the repository", rel)
	}
	if _, err := git(ctx, r.dir, "cat-file", "-e", r.Commit+":"+p); err != nil {
		return nil, fmt.Errorf("%s at %s: %w", rel, r.Ref, fs.ErrNotExist)
	}
	b, err := git(ctx, r.dir, "cat-file", "blob", r.Commit+":"+p)
	if err != nil {
		return nil, fmt.Errorf("%s at %s: %v", rel, r.Ref, err)
	}
	return b, nil
}

// git runs one git command in dir and returns its standard output; an
// error carries git's own message.
func git(ctx context.Context, dir string, args ...string) ([]byte, error) {
	cmd := exec.CommandContext(ctx, "git", append([]string{"-C", dir}, args...)...)
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Run(); err != nil {
		if msg := strings.TrimSpace(stderr.String()); msg != "" {
			return nil, fmt.Errorf("git %s: %s", args[0], msg)
		}
		return nil, fmt.Errorf("git %s: %w", args[0], err)
	}
	return stdout.Bytes(), nil
}
