package numtext

import "strconv"

// MaxSafeInt is the largest integer every JSON reader keeps exact: past
// 2^53-1 a reader that stores numbers as doubles (JavaScript, jq) rounds.
const MaxSafeInt = 1<<53 - 1

// AppendJSONUint appends u as a JSON number, or as a string of its
// decimal digits when a reader could round it (past MaxSafeInt).
func AppendJSONUint(dst []byte, u uint64) []byte {
	if u <= MaxSafeInt {
		return strconv.AppendUint(dst, u, 10)
	}
	dst = strconv.AppendUint(append(dst, '"'), u, 10)
	return append(dst, '"')
}

// AppendJSONHex appends u as the string "0x…" in lower-case hex: whoever
// asked for hex reads it as bits, not as a quantity.
func AppendJSONHex(dst []byte, u uint64) []byte {
	dst = strconv.AppendUint(append(dst, '"', '0', 'x'), u, 16)
	return append(dst, '"')
}
