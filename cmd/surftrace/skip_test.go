package main

import (
	"fmt"
	"os"
	"testing"
)

// skipOrFail skips a test whose tool or privilege is missing here, and
// fails it under CI=true, where everything must be present.
func skipOrFail(t *testing.T, format string, args ...any) {
	t.Helper()
	msg := fmt.Sprintf(format, args...)
	if os.Getenv("CI") == "true" {
		t.Fatal(msg + " (CI=true: required)")
	}
	t.Skip(msg)
}
