package markup

import (
	"strings"
	"testing"
)

// BenchmarkRender renders a typical 500-character comment.
func BenchmarkRender(b *testing.B) {
	const comment = "Thanks for the write-up, **really** useful. Two notes:\n\n" +
		"1. The `busy_timeout` pragma has to come *first*, before WAL.\n" +
		"2. See https://sqlite.org/wal.html for why readers never block.\n\n" +
		"> Writers never fight over locks\n\n" +
		"That only holds with one writer connection, as [PocketBase does](https://pocketbase.io/docs/).\n" +
		"I ran it like this:\n\n" +
		"```go\ndb.SetMaxOpenConns(1)\n```\n\n" +
		"Also, `synchronous=NORMAL` is safe in WAL mode, _if_ you accept losing the last commit on power loss.\n\n" +
		"~~Old advice~~ no longer applies. Cheers, ana@example.com"
	r := New()
	b.SetBytes(int64(len(comment)))
	b.ReportAllocs()
	for b.Loop() {
		r.Render(comment)
	}
}

// BenchmarkRenderUnclosedLinks renders 16 KiB of "[a](", the worst input
// known: goldmark's link parsing is quadratic in it. It is the figure to
// weigh when choosing the comment length limit.
func BenchmarkRenderUnclosedLinks(b *testing.B) {
	src := strings.Repeat("[a](", 4096)
	r := New()
	b.SetBytes(int64(len(src)))
	for b.Loop() {
		r.Render(src)
	}
}

// nestingBenchmarks are the inputs that nest deepest for their length,
// each about as long as the default maximum comment (10,000 characters).
var nestingBenchmarks = []struct{ name, src string }{
	{"quotes", strings.Repeat(">", 9990) + " deep"},
	{"lists", strings.Repeat("- ", 4995) + "deep"},
	{"quotes_lazy_lines", strings.Repeat(">", 5000) + " deep" + strings.Repeat("\nlazy", 1000)},
	{"quote_blocks", strings.Repeat(">>>>>>>>\n\n", 1000)},
}

// BenchmarkRenderNesting renders the deepest-nesting inputs: before the
// depth cap, '>' × 9,990 made 10,000 nested blockquotes (270 KB of HTML).
// It reports the output size per input byte as html/byte.
func BenchmarkRenderNesting(b *testing.B) {
	r := New()
	for _, bm := range nestingBenchmarks {
		b.Run(bm.name, func(b *testing.B) {
			b.SetBytes(int64(len(bm.src)))
			b.ReportAllocs()
			var out string
			for b.Loop() {
				out = r.Render(bm.src)
			}
			b.ReportMetric(float64(len(out))/float64(len(bm.src)), "html/byte")
		})
	}
}
