package spec

import (
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"hash"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"unicode/utf8"

	"github.com/bmatcuk/doublestar/v4"
	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/hclsyntax"
	"github.com/zclconf/go-cty/cty"
	"github.com/zclconf/go-cty/cty/function"

	"github.com/seedform/seedform/seedream"
)

// This file holds Terraform's path and file functions. Relative paths are
// taken from the configuration directory, as Terraform takes them from
// the module's; messages name a path as the configuration wrote it.

// expandHome replaces a leading "~" with the user's home directory, as
// Terraform's file functions and pathexpand do.
func expandHome(p string) (string, error) {
	if p == "" || p[0] != '~' {
		return p, nil
	}
	if len(p) > 1 && p[1] != '/' && p[1] != '\\' {
		return "", errors.New("cannot expand user-specific home dir")
	}
	home, err := os.UserHomeDir()
	if err != nil {
		return "", err
	}
	return filepath.Join(home, p[1:]), nil
}

// configPath resolves a path argument against the configuration directory.
func (s *loadState) configPath(p string) string {
	if filepath.IsAbs(p) {
		return filepath.Clean(p)
	}
	return filepath.Join(s.absDir, filepath.FromSlash(p))
}

// openConfigFile opens a path argument. An error names the path as
// written (cleaned), never the absolute path it was resolved to.
func (s *loadState) openConfigFile(p string) (*os.File, error) {
	expanded, err := expandHome(p)
	if err != nil {
		return nil, fmt.Errorf("failed to expand ~: %w", err)
	}
	// Never a plain open: a FIFO would block validate and plan forever.
	f, err := seedream.OpenRegular(s.configPath(expanded))
	return f, relativeError(err, expanded)
}

// relativeError names the file of a path error as the configuration wrote
// it, not by the absolute path it was opened by.
func relativeError(err error, p string) error {
	var pe *fs.PathError
	if errors.As(err, &pe) {
		pe.Path = filepath.Clean(p)
	}
	return err
}

// readConfigFile reads a whole file, with Terraform's message for one
// that does not exist. Its errors are about the path argument.
func (s *loadState) readConfigFile(p string) ([]byte, error) {
	f, err := s.openConfigFile(p)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, function.NewArgErrorf(0, "no file exists at %q; this function works only with files that are distributed as part of the configuration source code, so if this file will be created by a resource in this configuration you must instead obtain this result from an attribute of that resource", p)
	}
	if err != nil {
		return nil, function.NewArgError(0, err)
	}
	defer f.Close()
	b, err := io.ReadAll(f)
	if err != nil {
		return nil, function.NewArgErrorf(0, "failed to read file: %w", relativeError(err, p))
	}
	return b, nil
}

// readText reads a file that must be UTF-8 text.
func (s *loadState) readText(p string) (string, error) {
	b, err := s.readConfigFile(p)
	if err != nil {
		return "", err
	}
	if !utf8.Valid(b) {
		return "", fmt.Errorf("contents of %q are not valid UTF-8; use the filebase64 function to obtain the Base64 encoded contents or the other file functions (e.g. filemd5, filesha256) to obtain file hashing results instead", p)
	}
	return string(b), nil
}

var pathParam = []function.Parameter{{Name: "path", Type: cty.String}}

// markedPathParam takes unknown and marked paths, so that a sensitive
// path is not printed and an unknown one gives an unknown result.
var markedPathParam = []function.Parameter{{Name: "path", Type: cty.String, AllowMarked: true, AllowUnknown: true}}

// abspathFunc gives the absolute, cleaned form of a path relative to the
// configuration directory (Terraform's is relative to the working
// directory, which with -chdir is the configuration directory).
func (s *loadState) abspathFunc() function.Function {
	return function.New(&function.Spec{
		Description:  "Converts a string containing a filesystem path to an absolute path.",
		Params:       pathParam,
		Type:         function.StaticReturnType(cty.String),
		RefineResult: refineNotNull,
		Impl: func(args []cty.Value, _ cty.Type) (cty.Value, error) {
			return cty.StringVal(filepath.ToSlash(s.configPath(args[0].AsString()))), nil
		},
	})
}

// fileFunc is file, or filebase64 when base64 is set.
func (s *loadState) fileFunc(base64 bool) function.Function {
	desc := "Reads the contents of a UTF-8 text file at the given path, relative to the configuration directory."
	if base64 {
		desc = "Reads the contents of a file at the given path and returns them as a base64-encoded string."
	}
	return function.New(&function.Spec{
		Description:  desc,
		Params:       markedPathParam,
		Type:         function.StaticReturnType(cty.String),
		RefineResult: refineNotNull,
		Impl: func(args []cty.Value, _ cty.Type) (cty.Value, error) {
			p, marks := args[0].Unmark()
			if !p.IsKnown() {
				return cty.UnknownVal(cty.String).WithMarks(marks), nil
			}
			if base64 {
				b, err := s.readConfigFile(p.AsString())
				if err != nil {
					return cty.NilVal, err
				}
				return cty.StringVal(encodeBase64(b)).WithMarks(marks), nil
			}
			text, err := s.readText(p.AsString())
			if err != nil {
				return cty.NilVal, err
			}
			return cty.StringVal(text).WithMarks(marks), nil
		},
	})
}

// fileHashFunc hashes a file's bytes: filemd5, filesha1, filesha256,
// filesha512, filebase64sha256, filebase64sha512.
func (s *loadState) fileHashFunc(newHash func() hash.Hash, encode func([]byte) string) function.Function {
	return function.New(&function.Spec{
		Description:  "Computes a hash of the contents of the file at the given path.",
		Params:       pathParam,
		Type:         function.StaticReturnType(cty.String),
		RefineResult: refineNotNull,
		Impl: func(args []cty.Value, _ cty.Type) (cty.Value, error) {
			f, err := s.openConfigFile(args[0].AsString())
			if err != nil {
				return cty.NilVal, err
			}
			defer f.Close()
			h := newHash()
			if _, err := io.Copy(h, f); err != nil {
				return cty.NilVal, relativeError(err, args[0].AsString())
			}
			return cty.StringVal(encode(h.Sum(nil))), nil
		},
	})
}

// fileExistsFunc is Terraform's fileexists: false for a missing file, an
// error for something that is there but is no regular file.
func (s *loadState) fileExistsFunc() function.Function {
	return function.New(&function.Spec{
		Description:  "Determines whether a file exists at the given path.",
		Params:       markedPathParam,
		Type:         function.StaticReturnType(cty.Bool),
		RefineResult: refineNotNull,
		Impl: func(args []cty.Value, _ cty.Type) (cty.Value, error) {
			pv, marks := args[0].Unmark()
			if !pv.IsKnown() {
				return cty.UnknownVal(cty.Bool).WithMarks(marks), nil
			}
			p, err := expandHome(pv.AsString())
			if err != nil {
				return cty.NilVal, fmt.Errorf("failed to expand ~: %w", err)
			}
			name := fmt.Sprintf("%q", filepath.Clean(p))
			if _, secret := marks[sensitiveMark]; secret {
				name = "(sensitive value)"
			}
			fi, err := os.Stat(s.configPath(p))
			switch {
			case errors.Is(err, fs.ErrNotExist):
				return cty.False.WithMarks(marks), nil
			case err != nil:
				return cty.NilVal, fmt.Errorf("failed to stat %s", name)
			case fi.Mode().IsRegular():
				return cty.True.WithMarks(marks), nil
			}
			// Terraform reports these against argument index 1.
			switch mode := fi.Mode().Type(); {
			case mode&fs.ModeDir != 0:
				return cty.NilVal, function.NewArgErrorf(1, "%s is a directory, not a file", name)
			case mode&fs.ModeDevice != 0:
				return cty.NilVal, function.NewArgErrorf(1, "%s is a device node, not a regular file", name)
			case mode&fs.ModeNamedPipe != 0:
				return cty.NilVal, function.NewArgErrorf(1, "%s is a named pipe, not a regular file", name)
			case mode&fs.ModeSocket != 0:
				return cty.NilVal, function.NewArgErrorf(1, "%s is a unix domain socket, not a regular file", name)
			}
			return cty.NilVal, function.NewArgErrorf(1, "%s is not a regular file", name)
		},
	})
}

// fileSetFunc is Terraform's fileset: the regular files under path that
// match a glob pattern (with ** for any depth), relative to path.
func (s *loadState) fileSetFunc() function.Function {
	return function.New(&function.Spec{
		Description: "Enumerates a set of regular file names given a path and pattern.",
		Params: []function.Parameter{
			{Name: "path", Type: cty.String, AllowMarked: true, AllowUnknown: true},
			{Name: "pattern", Type: cty.String, AllowMarked: true, AllowUnknown: true},
		},
		Type:         function.StaticReturnType(cty.Set(cty.String)),
		RefineResult: refineNotNull,
		Impl: func(args []cty.Value, retType cty.Type) (cty.Value, error) {
			pv, pathMarks := args[0].Unmark()
			patv, patMarks := args[1].Unmark()
			if !pv.IsKnown() || !patv.IsKnown() {
				return cty.UnknownVal(retType).WithMarks(pathMarks, patMarks), nil
			}
			root := s.configPath(pv.AsString())
			// As in Terraform, the pattern is joined to the path (so
			// "../*.txt" looks beside it) and matches are made relative
			// to the path. The path's own metacharacters match literally.
			shown := filepath.Join(pv.AsString(), patv.AsString())
			matches, err := doublestar.FilepathGlob(filepath.Join(globEscape(root), patv.AsString()), doublestar.WithFilesOnly())
			if err != nil {
				return cty.NilVal, fmt.Errorf("failed to glob pattern %q: %w", shown, err)
			}
			vals := make([]cty.Value, 0, len(matches))
			for _, m := range matches {
				fi, err := os.Stat(m)
				if err != nil || !fi.Mode().IsRegular() {
					continue
				}
				rel, err := filepath.Rel(root, m)
				if err != nil {
					return cty.NilVal, fmt.Errorf("failed to trim path of match %q: %w", m, err)
				}
				vals = append(vals, cty.StringVal(filepath.ToSlash(rel)))
			}
			if len(vals) == 0 {
				return cty.SetValEmpty(cty.String).WithMarks(pathMarks, patMarks), nil
			}
			return cty.SetVal(vals).WithMarks(pathMarks, patMarks), nil
		},
	})
}

var basenameFunc = stringFunc("Takes a string containing a filesystem path and removes all except the last portion from it.", filepath.Base)

var dirnameFunc = stringFunc("Takes a string containing a filesystem path and removes the last portion from it.", filepath.Dir)

var pathExpandFunc = function.New(&function.Spec{
	Description:  "Takes a filesystem path that might begin with a `~` segment, and if so it replaces that segment with the current user's home directory path.",
	Params:       pathParam,
	Type:         function.StaticReturnType(cty.String),
	RefineResult: refineNotNull,
	Impl: func(args []cty.Value, _ cty.Type) (cty.Value, error) {
		p, err := expandHome(args[0].AsString())
		return cty.StringVal(p), err
	},
})

// globEscape quotes the glob metacharacters of a literal path.
func globEscape(p string) string {
	var b strings.Builder
	for _, r := range p {
		if strings.ContainsRune(`*?[]{}\`, r) && r != filepath.Separator {
			b.WriteByte('\\')
		}
		b.WriteRune(r)
	}
	return b.String()
}

// templateFileFunc is Terraform's templatefile: it renders a template file
// with the given variables and every function but the template functions.
// Like Terraform's, a template that is one interpolation keeps its type.
func (s *loadState) templateFileFunc(funcs map[string]function.Function) function.Function {
	load := func(name string) (hcl.Expression, error) {
		src, err := s.readText(name)
		if err != nil {
			return nil, err
		}
		expr, diags := hclsyntax.ParseTemplate([]byte(src), name, hcl.InitialPos)
		if diags.HasErrors() {
			return nil, diags
		}
		return expr, nil
	}
	render := func(args []cty.Value) (cty.Value, error) {
		p, pathMarks := args[0].Unmark()
		vars, varsMarks := args[1].UnmarkDeep()
		expr, err := load(p.AsString())
		if err != nil {
			return cty.DynamicVal, err
		}
		out, err := renderTemplate(expr, vars, funcs, true)
		return out.WithMarks(pathMarks, varsMarks), err
	}
	return function.New(&function.Spec{
		Description: "Reads the file at the given path and renders its content as a template using the supplied set of template variables.",
		Params: []function.Parameter{
			{Name: "path", Type: cty.String, AllowMarked: true, AllowUnknown: true},
			{Name: "vars", Type: cty.DynamicPseudoType, AllowMarked: true, AllowUnknown: true},
		},
		Type: func(args []cty.Value) (cty.Type, error) {
			if !args[0].IsKnown() || !args[1].IsKnown() {
				return cty.DynamicPseudoType, nil
			}
			v, err := render(args)
			return v.Type(), err
		},
		Impl: func(args []cty.Value, retType cty.Type) (cty.Value, error) {
			if !args[0].IsKnown() || !args[1].IsKnown() {
				return cty.UnknownVal(retType), nil
			}
			return render(args)
		},
	})
}

// hashFile streams a file through sha256 once per Load: reference images
// may be large and one is often shared by many assets.
func (s *loadState) hashFile(abs string) (string, error) {
	if h, ok := s.fileHashes[abs]; ok {
		return h.sum, h.err
	}
	sum, err := hashFileUncached(abs)
	s.fileHashes[abs] = fileHash{sum, err}
	return sum, err
}

func hashFileUncached(abs string) (string, error) {
	// A FIFO or a device would block or never end: refused unopened.
	f, err := seedream.OpenRegular(abs)
	if err != nil {
		return "", err
	}
	defer f.Close()
	h := sha256.New()
	if _, err := io.Copy(h, f); err != nil {
		return "", err
	}
	return hex.EncodeToString(h.Sum(nil)), nil
}
