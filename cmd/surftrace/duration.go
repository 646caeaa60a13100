package main

import (
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"
)

// durationFlag is -t: a positive duration with a unit. A bare number is
// refused with the likely meaning (seconds) instead of the time package's
// "missing unit".
type durationFlag struct{ d *time.Duration }

func (f durationFlag) String() string {
	if f.d == nil || *f.d == 0 {
		return ""
	}
	return f.d.String()
}

func (f durationFlag) Set(s string) error {
	s = strings.TrimSpace(s)
	if n, err := strconv.ParseFloat(s, 64); err == nil {
		if n <= 0 {
			return fmt.Errorf("%s is not a duration: give a positive one with a unit, e.g. 10s", s)
		}
		return fmt.Errorf("%s needs a unit: %ss? (or %sms, %sm)", s, s, s, s)
	}
	d, err := time.ParseDuration(s)
	if err != nil {
		return errors.New("not a duration: give a number with a unit, e.g. 500ms, 10s, 5m")
	}
	if d <= 0 {
		return fmt.Errorf("%s: a run cannot last a negative or zero time; give a positive duration, e.g. 5s", s)
	}
	*f.d = d
	return nil
}

func (f durationFlag) Type() string { return "duration" }
