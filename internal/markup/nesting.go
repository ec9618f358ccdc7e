package markup

import (
	"github.com/yuin/goldmark/ast"
	"github.com/yuin/goldmark/parser"
	"github.com/yuin/goldmark/text"
)

// MaxNesting is how deep blockquotes and lists may nest in a comment,
// counted together: "> - > x" is three levels. A marker that would open a
// deeper level is shown as typed, as text of the deepest level, so that
// ">" × 10,000 renders as 8 blockquotes holding the rest of the line instead
// of 10,000 nested elements that a browser takes seconds to lay out.
const MaxNesting = 8

// nestingCap wraps the blockquote or list parser and refuses to open a
// block deeper than MaxNesting; the line then goes to the next parser,
// in the end the paragraph.
type nestingCap struct {
	parser.BlockParser
	// peeks is true when the wrapped Open only peeks at the line, so it can
	// be called before the depth check; the blockquote parser consumes its
	// '>' and must not be called for a block that is refused.
	peeks bool
}

// Open implements parser.BlockParser.
func (c nestingCap) Open(parent ast.Node, reader text.Reader, pc parser.Context) (ast.Node, parser.State) {
	if !c.peeks {
		if nestingDepth(parent) >= MaxNesting {
			return nil, parser.NoChildren
		}
		return c.BlockParser.Open(parent, reader, pc)
	}
	// The list parser keeps state in pc between calls, so it always runs.
	node, state := c.BlockParser.Open(parent, reader, pc)
	if node != nil && nestingDepth(parent) >= MaxNesting {
		return nil, parser.NoChildren
	}
	return node, state
}

// nestingDepth counts the blockquotes and lists that n is or is inside of.
// It never walks more than MaxNesting+1 of them deep, because no deeper
// one is ever opened.
func nestingDepth(n ast.Node) int {
	depth := 0
	for ; n != nil; n = n.Parent() {
		if k := n.Kind(); k == ast.KindBlockquote || k == ast.KindList {
			depth++
		}
	}
	return depth
}
