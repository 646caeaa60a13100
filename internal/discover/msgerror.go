package discover

import "fmt"

// msgError is an error with its own message that still wraps a sentinel
// (or the compiler's), so that messages read as sentences without the
// sentinel's text tacked on.
type msgError struct {
	msg string
	err error
}

func (e *msgError) Error() string { return e.msg }
func (e *msgError) Unwrap() error { return e.err }

// errorf formats a message wrapping sentinel.
func errorf(sentinel error, format string, args ...any) error {
	return &msgError{msg: fmt.Sprintf(format, args...), err: sentinel}
}
