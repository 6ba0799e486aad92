package report

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os/exec"
	"path"
	"strconv"
	"strings"
	"sync"
)

// Rev is one git revision of the repository that holds a configuration
// directory. Its files are read from git's object store (git cat-file), so
// no checkout is needed and the work tree is never touched.
type Rev struct {
	// Ref is the revision as the user gave it; Commit is what it names.
	Ref, Commit string
	dir         string // the configuration directory
	prefix      string // dir relative to the repository root: "" or "a/b/"

	mu    sync.Mutex
	batch *catFile // started by the first ReadFile
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
// have is an error wrapping fs.ErrNotExist. Reads go through one
// long-lived git cat-file --batch, so reading hundreds of images costs
// one process, not hundreds; it is safe for concurrent use.
func (r *Rev) ReadFile(ctx context.Context, rel string) ([]byte, error) {
	p := r.RepoPath(rel)
	if !fs.ValidPath(p) || strings.ContainsAny(p, "\n\r") {
		return nil, fmt.Errorf("%s: not a path inside the repository", rel)
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	if r.batch == nil {
		if err := r.startBatch(); err != nil {
			return nil, err
		}
	}
	b, err := r.batch.read(r.Commit + ":" + p)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return nil, fmt.Errorf("%s at %s: %w", rel, r.Ref, err)
	case err != nil:
		// The stream may be out of step: start afresh next time.
		r.closeBatch()
		return nil, fmt.Errorf("%s at %s: %v", rel, r.Ref, err)
	}
	return b, nil
}

// Close ends the git process ReadFile started, if any.
func (r *Rev) Close() error {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.closeBatch()
}

func (r *Rev) startBatch() error {
	cmd := exec.Command("git", "-C", r.dir, "cat-file", "--batch")
	in, err := cmd.StdinPipe()
	if err != nil {
		return err
	}
	out, err := cmd.StdoutPipe()
	if err != nil {
		return err
	}
	if err := cmd.Start(); err != nil {
		return fmt.Errorf("git cat-file: %w", err)
	}
	r.batch = &catFile{cmd: cmd, in: in, out: bufio.NewReader(out)}
	return nil
}

func (r *Rev) closeBatch() error {
	if r.batch == nil {
		return nil
	}
	b := r.batch
	r.batch = nil
	// A read cut short leaves git writing into a pipe nobody reads:
	// stop it rather than wait for it. It only ever reads.
	b.in.Close()
	_ = b.cmd.Process.Kill()
	_ = b.cmd.Wait()
	return nil
}

// catFile is a running git cat-file --batch: one object name a line in,
// "<oid> <type> <size>" and the content (or "<name> missing") out.
type catFile struct {
	cmd *exec.Cmd
	in  io.WriteCloser
	out *bufio.Reader
}

func (c *catFile) read(name string) ([]byte, error) {
	if _, err := io.WriteString(c.in, name+"\n"); err != nil {
		return nil, fmt.Errorf("git cat-file: %w", err)
	}
	head, err := c.out.ReadString('\n')
	if err != nil {
		return nil, fmt.Errorf("git cat-file: %w", err)
	}
	fields := strings.Fields(head)
	switch {
	case len(fields) == 2 && fields[1] == "missing", len(fields) == 2 && fields[1] == "ambiguous":
		return nil, fs.ErrNotExist
	case len(fields) != 3:
		return nil, fmt.Errorf("git cat-file: unexpected answer %q", strings.TrimSpace(head))
	}
	size, err := strconv.ParseInt(fields[2], 10, 64)
	if err != nil || size < 0 {
		return nil, fmt.Errorf("git cat-file: unexpected answer %q", strings.TrimSpace(head))
	}
	if size > maxBlob {
		return nil, fmt.Errorf("%d bytes is more than a seedform file can be", size)
	}
	b := make([]byte, size+1) // the content and a newline
	if _, err := io.ReadFull(c.out, b); err != nil {
		return nil, fmt.Errorf("git cat-file: %w", err)
	}
	if fields[1] != "blob" {
		return nil, fmt.Errorf("a %s, not a file", fields[1])
	}
	return b[:size], nil
}

// maxBlob bounds what is read from git into memory: past the largest
// image a provider may send (64 MiB by default) and any lock.
const maxBlob = 512 << 20

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
