package spec

// The provider types register themselves; the language knows them only
// through the schema registry.
import _ "github.com/seedform/seedform/provider"
