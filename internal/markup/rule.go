package markup

import (
	"github.com/yuin/goldmark/ast"
	"github.com/yuin/goldmark/parser"
	"github.com/yuin/goldmark/renderer"
	"github.com/yuin/goldmark/text"
	"github.com/yuin/goldmark/util"
)

// ruleParser takes the place of goldmark's thematic-break parser. A comment
// has no <hr>, so a rule line ("---", "* * *") becomes a ruleNode, written as
// a paragraph of its own holding the line as typed. Without it "* * *" and
// "- - -" would be read as nested empty lists.
type ruleParser struct{}

// Trigger implements parser.BlockParser.
func (ruleParser) Trigger() []byte {
	return []byte{'-', '*', '_'}
}

// Open implements parser.BlockParser.
func (ruleParser) Open(parent ast.Node, reader text.Reader, pc parser.Context) (ast.Node, parser.State) {
	line, segment := reader.PeekLine()
	if !isRule(line, reader.LineOffset()) {
		return nil, parser.NoChildren
	}
	source := reader.Source()
	segment = segment.TrimLeftSpace(source)
	n := &ruleNode{}
	n.Lines().Append(segment.TrimRightSpace(source))
	reader.AdvanceToEOL()
	return n, parser.NoChildren
}

// Continue implements parser.BlockParser: a rule is one line.
func (ruleParser) Continue(node ast.Node, reader text.Reader, pc parser.Context) parser.State {
	return parser.Close
}

// Close implements parser.BlockParser.
func (ruleParser) Close(node ast.Node, reader text.Reader, pc parser.Context) {}

// CanInterruptParagraph implements parser.BlockParser. It must, as a rule
// does: otherwise the list parser, which can, reads "text\n* * *" as a list.
func (ruleParser) CanInterruptParagraph() bool { return true }

// CanAcceptIndentedLine implements parser.BlockParser.
func (ruleParser) CanAcceptIndentedLine() bool { return false }

// isRule reports whether line is a CommonMark thematic break: up to three
// spaces of indent, then three or more of one of - * _, spaces allowed
// between them and nothing else.
func isRule(line []byte, offset int) bool {
	indent, pos := util.IndentWidth(line, offset)
	if indent > 3 {
		return false
	}
	var mark byte
	count := 0
	for _, c := range line[pos:] {
		switch {
		case util.IsSpace(c):
			continue
		case mark == 0 && (c == '-' || c == '*' || c == '_'):
			mark = c
		case c != mark:
			return false
		}
		count++
	}
	return count >= 3
}

// ruleNode is a rule line kept as text. It is not an ast.Paragraph because
// goldmark's block loop would then try to continue it with the next line and
// drop that line when ruleParser refuses.
type ruleNode struct {
	ast.BaseBlock
}

var kindRule = ast.NewNodeKind("Rule")

// Kind implements ast.Node.
func (n *ruleNode) Kind() ast.NodeKind { return kindRule }

// IsRaw implements ast.Node: the line is shown as typed, not parsed inline.
func (n *ruleNode) IsRaw() bool { return true }

// Dump implements ast.Node.
func (n *ruleNode) Dump(source []byte, level int) { ast.DumpHelper(n, source, level, nil, nil) }

// ruleRenderer writes a ruleNode as a paragraph.
type ruleRenderer struct{}

// RegisterFuncs implements renderer.NodeRenderer.
func (ruleRenderer) RegisterFuncs(reg renderer.NodeRendererFuncRegisterer) {
	reg.Register(kindRule, renderRule)
}

func renderRule(w util.BufWriter, source []byte, n ast.Node, entering bool) (ast.WalkStatus, error) {
	if !entering {
		return ast.WalkContinue, nil
	}
	_, _ = w.WriteString("<p>")
	for i := range n.Lines().Len() {
		line := n.Lines().At(i)
		_, _ = w.Write(util.EscapeHTML(line.Value(source)))
	}
	_, _ = w.WriteString("</p>\n")
	return ast.WalkContinue, nil
}
