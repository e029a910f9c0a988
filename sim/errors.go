package sim

import (
	"cmp"
	"fmt"
	"slices"
	"strings"
)

// FileError is a problem at one line of an input file (a model file, a
// morphology).
type FileError struct {
	File string
	Line int // 0 when the problem concerns the whole file
	Msg  string
}

func (e *FileError) Error() string {
	if e.Line == 0 {
		return fmt.Sprintf("%s: %s", e.File, e.Msg)
	}
	return fmt.Sprintf("%s:%d: %s", e.File, e.Line, e.Msg)
}

// FileErrors is every problem found in a file. Its message lists the first
// maxShown; the list keeps them all.
type FileErrors []*FileError

const maxShown = 20

func (l FileErrors) Error() string {
	var b strings.Builder
	for i, e := range l {
		if i == maxShown {
			fmt.Fprintf(&b, "\n... and %d more errors", len(l)-maxShown)
			break
		}
		if i > 0 {
			b.WriteByte('\n')
		}
		b.WriteString(e.Error())
	}
	return b.String()
}

// Sort puts file-level errors (line 0) first, then the rest in line order.
func (l FileErrors) Sort() {
	slices.SortStableFunc(l, func(a, b *FileError) int { return cmp.Compare(a.Line, b.Line) })
}
