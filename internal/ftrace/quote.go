package ftrace

import "strings"

// shQuote makes s one word for a POSIX shell: bare when it holds only
// characters no shell treats specially, else single-quoted with each ' as
// '\”. Inside single quotes nothing else is special, so this is safe for
// any content, newlines included.
func shQuote(s string) string {
	if s != "" && strings.IndexFunc(s, func(r rune) bool { return !isShellSafe(r) }) < 0 {
		return s
	}
	return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'"
}

func isShellSafe(r rune) bool {
	switch {
	case 'a' <= r && r <= 'z', 'A' <= r && r <= 'Z', '0' <= r && r <= '9':
		return true
	}
	return strings.ContainsRune("_-./:,+@%", r)
}

// writeCommand renders "write valueWord to pathWord" as a shell command;
// both words are already quoted. echo is what people expect to read, but
// some shells' echo (dash's) expands backslashes and every echo takes a
// leading -n/-e/-E as an option, so such values go through printf, which
// prints its argument verbatim under %s.
func writeCommand(value, valueWord, pathWord string, appendTo bool) string {
	op := " > "
	if appendTo {
		op = " >> "
	}
	if needsPrintf(value) {
		return `printf '%s\n' ` + valueWord + op + pathWord
	}
	return "echo " + valueWord + op + pathWord
}

// shellWrite is the shell command equivalent to writing value (plus a
// newline) to path.
func shellWrite(value, path string, appendTo bool) string {
	return writeCommand(value, shQuote(value), shQuote(path), appendTo)
}

func needsPrintf(value string) bool {
	if strings.ContainsRune(value, '\\') {
		return true
	}
	if len(value) < 2 || value[0] != '-' {
		return false
	}
	word, _, _ := strings.Cut(value, " ")
	return strings.Trim(word[1:], "neE") == ""
}
