package render

import (
	"unicode/utf8"

	"github.com/surftrace/surftrace/internal/numtext"
)

const hexDigits = "0123456789abcdef"

// appendJSONString appends s as a JSON string. Control characters are
// escaped and bytes that are not UTF-8 become U+FFFD, so the output is
// valid JSON whatever the kernel printed (a comm is arbitrary bytes).
func appendJSONString[T string | []byte](dst []byte, s T) []byte {
	dst = append(dst, '"')
	start := 0
	for i := 0; i < len(s); {
		c := s[i]
		if c >= 0x20 && c != '"' && c != '\\' && c < utf8.RuneSelf {
			i++
			continue
		}
		if c >= utf8.RuneSelf {
			r, size := utf8.DecodeRuneInString(string(s[i:min(i+utf8.UTFMax, len(s))]))
			if r != utf8.RuneError || size != 1 {
				i += size
				continue
			}
			dst = append(dst, s[start:i]...)
			dst = append(dst, `\ufffd`...)
			i++
			start = i
			continue
		}
		dst = append(dst, s[start:i]...)
		switch c {
		case '"', '\\':
			dst = append(dst, '\\', c)
		case '\n':
			dst = append(dst, '\\', 'n')
		case '\t':
			dst = append(dst, '\\', 't')
		case '\r':
			dst = append(dst, '\\', 'r')
		default:
			dst = append(dst, '\\', 'u', '0', '0', hexDigits[c>>4], hexDigits[c&15])
		}
		i++
		start = i
	}
	dst = append(dst, s[start:]...)
	return append(dst, '"')
}

// isJSONNumber reports whether b is a JSON number as the kernel prints
// integers and timestamps: -?(0|[1-9][0-9]*)(.[0-9]+)?
func isJSONNumber(b []byte) bool {
	i := 0
	if i < len(b) && b[i] == '-' {
		i++
	}
	if i >= len(b) || !isDigit(b[i]) {
		return false
	}
	if b[i] == '0' && i+1 < len(b) && isDigit(b[i+1]) {
		return false
	}
	for i < len(b) && isDigit(b[i]) {
		i++
	}
	if i < len(b) && b[i] == '.' {
		i++
		if i >= len(b) || !isDigit(b[i]) {
			return false
		}
		for i < len(b) && isDigit(b[i]) {
			i++
		}
	}
	return i == len(b)
}

// appendJSONValue appends a value the kernel printed, typed as the package
// doc says: integers as numbers, "…" as a string, (fault) as null, an
// integer array as an array, anything else as the string it is.
func appendJSONValue(dst, v []byte) []byte {
	switch {
	case len(v) == 0:
		return append(dst, '"', '"')
	case v[0] == '"':
		return appendJSONString(dst, quotedContent(v))
	case string(v) == faultText:
		return append(dst, "null"...)
	case v[0] == '{':
		if out, ok := appendJSONArray(dst, v); ok {
			return out
		}
		return appendJSONString(dst, v)
	}
	if out, ok := appendJSONInt(dst, v); ok {
		return out
	}
	return appendJSONString(dst, v)
}

// appendJSONInt appends a decimal, negative decimal or hex integer. A
// decimal whose magnitude fits maxSafeInt is a JSON number; a larger one
// is a string of its decimal digits, so no reader rounds a pointer or a
// u64. Hex is a string "0x…" always (as pwru writes it): whoever asked
// for hex reads it as bits, not as a quantity.
func appendJSONInt(dst, v []byte) ([]byte, bool) {
	if numtext.IsHexPrefix(v) {
		u, ok := numtext.ParseHex(v[2:])
		if !ok {
			return dst, false
		}
		return numtext.AppendJSONHex(dst, u), true
	}
	if !isJSONNumber(v) || hasDot(v) {
		return dst, false
	}
	digits := v
	if digits[0] == '-' {
		digits = digits[1:]
	}
	if m, ok := numtext.ParseDec(digits); ok && m <= numtext.MaxSafeInt {
		return append(dst, v...), true // its digits, exact
	}
	dst = append(dst, '"')
	dst = append(dst, v...)
	return append(dst, '"'), true
}

func hasDot(v []byte) bool {
	for _, c := range v {
		if c == '.' {
			return true
		}
	}
	return false
}

// appendJSONArray appends "{e,e,…}" of integers as a JSON array; it
// appends nothing and reports false if an element is not an integer.
func appendJSONArray(dst, v []byte) ([]byte, bool) {
	if len(v) < 2 || v[len(v)-1] != '}' {
		return dst, false
	}
	start := len(dst)
	dst = append(dst, '[')
	in := v[1 : len(v)-1]
	for first := true; len(in) > 0 || first; first = false {
		e := in
		in = nil
		for i, c := range e {
			if c == ',' {
				e, in = e[:i], e[i+1:]
				if len(in) == 0 {
					return dst[:start], false
				}
				break
			}
		}
		if len(e) == 0 && first {
			break // "{}"
		}
		if !first {
			dst = append(dst, ',')
		}
		var ok bool
		if dst, ok = appendJSONInt(dst, e); !ok {
			return dst[:start], false
		}
	}
	return append(dst, ']'), true
}

// quotedContent strips a string value's quotes; an unterminated string
// (cut by a newline and never closed) loses only its opening quote.
func quotedContent(v []byte) []byte {
	if len(v) >= 2 && v[len(v)-1] == '"' {
		return v[1 : len(v)-1]
	}
	return v[1:]
}
