package importer

import (
	"strconv"
	"strings"
	"testing"

	"github.com/parleyhq/parley/internal/model"
	"github.com/parleyhq/parley/internal/store"
)

// TestWaitingRepliesSpillAtBudget: replies waiting for a parent stay in
// memory up to Limits.MaxPending bytes, counting everything they hold (the
// rendered HTML too), and go to the spill file beyond.
func TestWaitingRepliesSpillAtBudget(t *testing.T) {
	const budget = 64 << 10
	g := newEngine(nil, Options{Site: &model.Site{Host: "blog.example"}, TempDir: t.TempDir(),
		Limits: Limits{MaxPending: budget}}, nil)
	defer func() {
		if g.spill != nil {
			g.spill.remove()
		}
	}()
	reply := func(i int) *entry {
		return &entry{
			Key:    store.ImportKey{Source: "disqus", ID: "r" + strconv.Itoa(i)},
			Parent: store.ImportKey{Source: "disqus", ID: "later"},
			Name:   "Reader", Email: "reader@example.com",
			Text: strings.Repeat("t", 1<<10),
			HTML: "<p>" + strings.Repeat("h", 8<<10) + "</p>", // rendered markup outweighs the text
			Path: "/post/", Status: model.StatusApproved,
		}
	}
	const n = 20
	for i := range n {
		if err := g.wait(reply(i)); err != nil {
			t.Fatal(err)
		}
	}
	held, inMemory := 0, 0
	for _, list := range g.waiting {
		for _, e := range list {
			held++
			inMemory += len(e.Text) + len(e.HTML) + len(e.Name) + len(e.Email) + len(e.Key.ID) + len(e.Parent.ID) + len(e.Path)
		}
	}
	if inMemory > budget {
		t.Errorf("%d bytes of replies held in memory, over the budget of %d", inMemory, budget)
	}
	// Spilling starts at the budget: one more reply would not have fit.
	size := reply(0).size()
	if int64(held+1)*size <= budget || int64(held)*size > budget {
		t.Errorf("%d replies of %d bytes held in memory before spilling; the budget of %d holds %d", held, size, budget, budget/size)
	}
	if g.spill == nil || g.spill.n != n-held {
		t.Fatalf("spill file: %v; want the %d replies past the budget", g.spill, n-held)
	}
	if g.waitingBytes != int64(held)*size {
		t.Errorf("budget accounts %d bytes, want %d", g.waitingBytes, int64(held)*size)
	}
}
