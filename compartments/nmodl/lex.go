package nmodl

import (
	"fmt"
	"strings"
	"unicode/utf8"
)

// tokKind is the kind of a token.
type tokKind int

const (
	tEOF tokKind = iota
	tIdent
	tNum
	tPunct // an operator or a bracket
	tTitle // TITLE, Text the rest of its line
)

type token struct {
	kind     tokKind
	text     string
	pos      Pos
	off, end int // byte offsets in the source
}

func (t token) String() string {
	switch t.kind {
	case tEOF:
		return "end of file"
	case tNum:
		return "number " + t.text
	case tPunct:
		return "'" + t.text + "'"
	}
	return t.text
}

// lexer cuts a .mod file into tokens on demand, so that an unsupported
// construct (VERBATIM's C, say) is reported before what follows it is
// read.
type lexer struct {
	src       string
	off       int
	line, col int
}

// puncts are the operators, longest first.
var puncts = []string{"<->", "<<", "<=", ">=", "==", "!=", "&&", "||",
	"<", ">", "=", "!", "+", "-", "*", "/", "^", "(", ")", "{", "}", "[", "]", ",", "'", "~"}

func (l *lexer) advance(n int) {
	for _, r := range l.src[l.off : l.off+n] {
		if r == '\n' {
			l.line++
			l.col = 1
		} else {
			l.col++
		}
	}
	l.off += n
}

// skipSpace skips blanks and line comments (":" and "?").
func (l *lexer) skipSpace() {
	for l.off < len(l.src) {
		c := l.src[l.off]
		switch {
		case c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == '\f' || c == '\v':
			l.advance(1)
		case c == ':' || c == '?':
			n := strings.IndexByte(l.src[l.off:], '\n')
			if n < 0 {
				n = len(l.src) - l.off
			}
			l.advance(n)
		default:
			return
		}
	}
}

// next returns the next token; COMMENT blocks, UNITSON and UNITSOFF are
// dropped.
func (l *lexer) next() (token, error) {
	for {
		l.skipSpace()
		pos := Pos{l.line, l.col}
		start := l.off
		if l.off >= len(l.src) {
			return token{kind: tEOF, pos: pos, off: start, end: start}, nil
		}
		c := l.src[l.off]
		switch {
		case isLetter(c):
			n := 1
			for l.off+n < len(l.src) && (isLetter(l.src[l.off+n]) || isDigit(l.src[l.off+n])) {
				n++
			}
			word := l.src[l.off : l.off+n]
			l.advance(n)
			switch word {
			case "COMMENT":
				if !l.skipPast("ENDCOMMENT") {
					return token{}, &Error{Line: pos.Line, Msg: "COMMENT without ENDCOMMENT"}
				}
				continue
			case "UNITSON", "UNITSOFF":
				continue
			case "VERBATIM":
				// the parser refuses it; its C is not NMODL and is not lexed
				l.skipPast("ENDVERBATIM")
				return token{kind: tIdent, text: word, pos: pos, off: start, end: start + len(word)}, nil
			case "TITLE":
				n := strings.IndexByte(l.src[l.off:], '\n')
				if n < 0 {
					n = len(l.src) - l.off
				}
				text := strings.TrimSpace(l.src[l.off : l.off+n])
				l.advance(n)
				return token{kind: tTitle, text: text, pos: pos, off: start, end: l.off}, nil
			}
			return token{kind: tIdent, text: word, pos: pos, off: start, end: l.off}, nil
		case isDigit(c) || c == '.' && l.off+1 < len(l.src) && isDigit(l.src[l.off+1]):
			n := numberLen(l.src[l.off:])
			text := l.src[l.off : l.off+n]
			l.advance(n)
			return token{kind: tNum, text: text, pos: pos, off: start, end: l.off}, nil
		}
		for _, p := range puncts {
			if strings.HasPrefix(l.src[l.off:], p) {
				l.advance(len(p))
				return token{kind: tPunct, text: p, pos: pos, off: start, end: l.off}, nil
			}
		}
		r, _ := utf8.DecodeRuneInString(l.src[l.off:])
		return token{}, &Error{Line: pos.Line, Msg: fmt.Sprintf("unexpected character %q", r)}
	}
}

// skipPast skips to just after the word end standing alone (a COMMENT's
// ENDCOMMENT), or to the end of the file, reporting whether end was there.
func (l *lexer) skipPast(end string) bool {
	rest := l.src[l.off:]
	for i := 0; ; {
		j := strings.Index(rest[i:], end)
		if j < 0 {
			l.advance(len(rest))
			return false
		}
		k := i + j
		if (k == 0 || !isWordByte(rest[k-1])) && (k+len(end) == len(rest) || !isWordByte(rest[k+len(end)])) {
			l.advance(k + len(end))
			return true
		}
		i = k + len(end)
	}
}

// numberLen is the length of the number at the start of s: digits, a
// point, digits, and an exponent when one follows.
func numberLen(s string) int {
	n := 0
	for n < len(s) && isDigit(s[n]) {
		n++
	}
	if n < len(s) && s[n] == '.' {
		n++
		for n < len(s) && isDigit(s[n]) {
			n++
		}
	}
	if n < len(s) && (s[n] == 'e' || s[n] == 'E') {
		m := n + 1
		if m < len(s) && (s[m] == '+' || s[m] == '-') {
			m++
		}
		if m < len(s) && isDigit(s[m]) {
			for m < len(s) && isDigit(s[m]) {
				m++
			}
			n = m
		}
	}
	return n
}

func isLetter(c byte) bool   { return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c == '_' }
func isDigit(c byte) bool    { return c >= '0' && c <= '9' }
func isWordByte(c byte) bool { return isLetter(c) || isDigit(c) }
