package inspect

import (
	"encoding/json"
	"io"
)

// writeJSON prints v indented, for people and jq alike.
func writeJSON(w io.Writer, v any) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(v)
}
