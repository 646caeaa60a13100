package expr

// word is a piece of the top level of an expression and where it starts.
type word struct {
	text string
	pos  int
}

// splitFilter cuts the expression at the first " f:" that is outside
// parentheses and quotes. It returns the head, the filter text and the
// filter's position (-1 when there is none).
func splitFilter(src string) (head, filter string, fpos int) {
	depth := 0
	var quote byte
	for i := 0; i < len(src); i++ {
		c := src[i]
		switch {
		case quote != 0:
			if c == '\\' {
				i++
			} else if c == quote {
				quote = 0
			}
		case c == '"' || c == '\'':
			quote = c
		case c == '(':
			depth++
		case c == ')':
			if depth > 0 {
				depth--
			}
		case depth == 0 && c == 'f' && i+1 < len(src) && src[i+1] == ':' && (i == 0 || src[i-1] == ' ' || src[i-1] == '\t'):
			return src[:i], src[i+2:], i + 2
		}
	}
	return src, "", -1
}

// splitWords splits the head on blanks outside parentheses, so that
// "@(struct iphdr *)l3%0->saddr" stays one word. An unclosed parenthesis
// runs to the end of the head, which still makes a word: the argument
// parser then says what is wrong instead of the text vanishing.
func splitWords(head string) []word {
	var out []word
	depth := 0
	start := -1
	for i := 0; i <= len(head); i++ {
		var c byte = ' '
		if i < len(head) {
			c = head[i]
		}
		blank := c == ' ' || c == '\t' || c == '\n' || c == '\r'
		if blank && (depth == 0 || i == len(head)) {
			if start >= 0 {
				out = append(out, word{head[start:i], start})
				start = -1
			}
			continue
		}
		if start < 0 {
			start = i
		}
		switch c {
		case '(':
			depth++
		case ')':
			if depth > 0 {
				depth--
			}
		}
	}
	return out
}
