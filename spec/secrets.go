package spec

import (
	"regexp"
	"strings"

	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/hclsyntax"
	"github.com/seedform/seedform/schema"
	"github.com/zclconf/go-cty/cty"
)

// envName is what an environment variable's name looks like.
var envName = regexp.MustCompile(`^[A-Za-z_][A-Za-z0-9_]*$`)

// secretWords mark a provider attribute that can only hold a credential.
var secretWords = []string{"key", "token", "secret", "password", "passwd", "auth", "credential", "bearer"}

// redactSecrets finds credentials written into a provider block of f (an
// api_key, or a key pasted as the value of api_key_env), reports each as
// an error, and blanks its value in f's source, which diagnostics quote:
// the key never reaches the terminal, -json output or a log.
func (s *loadState) redactSecrets(f *hcl.File) {
	body, ok := f.Body.(*hclsyntax.Body)
	if !ok {
		return
	}
	for _, b := range body.Blocks {
		if b.Type != "provider" {
			continue
		}
		keyEnv := keyEnvOf(b.Labels)
		for name, a := range b.Body.Attributes {
			switch {
			case name == "api_key_env":
				if v, ok := literalString(a.Expr); !ok || !looksLikeKey(v) {
					continue
				}
				redact(f.Bytes, a.Expr.Range())
				s.errorf(a.Expr.Range().Ptr(), "api_key_env holds a key",
					"api_key_env names the environment variable the API key is read from (such as %s), not the key itself. Its value here is not a variable name, so it was not shown: remove it from the file, revoke the key if the file was shared, and export the key in the variable instead.", keyEnv)
			case isSecretName(name):
				redact(f.Bytes, a.Expr.Range())
				s.errorf(a.NameRange.Ptr(), "API key in a configuration file",
					"seedform never reads a key from a file, which is committed and shared. The value of %s was not shown: remove the attribute, revoke the key if the file was shared, and export it in the environment variable that api_key_env names (default %s).", name, keyEnv)
			}
		}
	}
}

// keyEnvOf is the default api_key_env of a provider block's type, for
// messages; a generic name when the type has none.
func keyEnvOf(labels []string) string {
	if len(labels) > 0 {
		if t, ok := schema.Lookup(labels[0]); ok {
			for _, st := range t.Schema().Settings {
				if st.Name == "api_key_env" && st.Default != cty.NilVal && st.Default.Type() == cty.String {
					return st.Default.AsString()
				}
			}
		}
	}
	return "API_KEY"
}

// looksLikeKey reports whether an api_key_env value is a key rather than
// a variable's name: not a name at all, or a long run of letters and
// digits with no underscore, as keys are and names seldom.
func looksLikeKey(v string) bool {
	if !envName.MatchString(v) {
		return true
	}
	return len(v) >= 20 && !strings.Contains(v, "_") && strings.ContainsAny(v, "0123456789")
}

func isSecretName(name string) bool {
	lower := strings.ToLower(name)
	if strings.HasSuffix(lower, "_env") {
		return false
	}
	for _, w := range secretWords {
		if strings.Contains(lower, w) {
			return true
		}
	}
	return false
}

// literalString returns the value of a string literal or a template
// with no interpolations.
func literalString(e hclsyntax.Expression) (string, bool) {
	v, diags := e.Value(nil)
	if diags.HasErrors() || !v.IsKnown() || v.IsNull() || !v.Type().Equals(cty.String) {
		return "", false
	}
	return v.AsString(), true
}

// redact overwrites the bytes of r in src with '*', keeping quotes and
// line breaks so that every other range still points where it did.
func redact(src []byte, r hcl.Range) {
	if r.Start.Byte < 0 || r.End.Byte > len(src) || r.Start.Byte >= r.End.Byte {
		return
	}
	for i := r.Start.Byte; i < r.End.Byte; i++ {
		switch src[i] {
		case '"', '\n', '\r':
		default:
			src[i] = '*'
		}
	}
}
