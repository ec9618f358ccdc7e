package importer

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"hash/fnv"
	"io"
	"os"
	"runtime"
	"runtime/debug"
	"slices"
	"sync"
	"time"

	"github.com/parleyhq/parley/internal/model"
	"github.com/parleyhq/parley/internal/store"
)

// CommandGCPercent is the garbage collector's GOGC for a process that runs
// one import and nothing else (parley import, BenchmarkImport100k). The
// import's live heap is small (the file is streamed) while it allocates
// about 30 KiB a comment, mostly short-lived parser and sanitizer buffers:
// at Go's default of 100 the collector ran every 25 MB or so and took
// about a quarter of the CPU; at 400 the peak heap grows from about 60 MB
// to 160 MB and an import of 100,000 comments takes a quarter less time. A server
// running an import from the dashboard keeps its own setting.
const CommandGCPercent = 400

// CommandGC sets the collector to CommandGCPercent unless GOGC is set,
// and returns the function that puts the previous setting back.
func CommandGC() (restore func()) {
	if os.Getenv("GOGC") != "" {
		return func() {}
	}
	old := debug.SetGCPercent(CommandGCPercent)
	return func() { debug.SetGCPercent(old) }
}

// Sizes of the engine's bounded memory.
const (
	defaultBatchSize = 1000
	cacheGeneration  = 100_000 // recent comment ids remembered (twice this at most)
	maxSkippedKeys   = 200_000 // skipped ids remembered, to explain their replies
	maxHeldDeleted   = 500_000 // deleted comments held back in case a reply needs them
	progressInterval = 250 * time.Millisecond
	firstAnalyze     = 1000 // comments added before statistics are first refreshed
	analyzeGrowth    = 4    // statistics are refreshed again when the comments added grow this much
)

// engine runs one import: it normalizes entries, resolves parents (also
// parents that come later than their replies), and writes batches.
type engine struct {
	im     *Importer
	opt    Options
	lim    Limits
	obs    Observer
	report *Report
	start  time.Time // by opt.Now
	began  time.Time // by the wall clock, for durations
	cutoff time.Time

	bytes func() int64
	total int64
	env   *parseEnv // the running parser's, once the format is known

	pending []*entry
	cache   refCache
	dry     map[store.ImportKey]store.ImportedComment // dry run: what would be added
	native  map[store.ImportKey]store.ImportedComment // Parley export into its own site
	skipped map[store.ImportKey]bool
	users   map[string]int64

	waiting      map[store.ImportKey][]*entry
	waitingBytes int64
	spill        *spillFile
	// held are deleted comments not stored (yet): Parley keeps a deleted
	// comment only as the placeholder of its replies, so one is stored
	// when a reply to it comes, and skipped at the end otherwise.
	held map[store.ImportKey]*entry

	// fresh are the sources of which the site held no comment when this
	// import first met them (true) or held some (false). A key of a fresh
	// source is stored only if this run stored it, so while the cache has
	// dropped nothing, a key it does not hold needs no query.
	fresh map[string]bool
	// askAll turns that off: the replies still waiting at the end look
	// for their parents in the database whatever the source, in case an
	// import running at the same time stored them.
	askAll bool
	asked  int // keys looked up in the database

	// writing are the parts of the batch being written while the next is
	// prepared, where the store gives a batch its ids before writing it
	// (PostgreSQL; behind is set).
	behind     bool
	writing    [importLanes]*writing
	laneOfPage map[int64]int // the part that wrote to a page last
	spread     bool          // tests: parts by thread, so that they share pages

	pages     map[int64]bool
	dryPages  map[string]bool
	nextDryID int64
	analyzeAt int // comments added at which to refresh database statistics
	analyzed  int // comments added when they were last refreshed
}

func newEngine(im *Importer, opt Options, obs Observer) *engine {
	now := time.Now
	if opt.Now != nil {
		now = opt.Now
	}
	if opt.BatchSize <= 0 {
		opt.BatchSize = defaultBatchSize
	}
	if opt.IPRetention <= 0 {
		opt.IPRetention = DefaultIPRetention
	}
	if opt.ThreadKey == "" {
		opt.ThreadKey = ThreadByPath
	}
	start := now()
	return &engine{
		im: im, opt: opt, lim: opt.Limits.withDefaults(), obs: obs, start: start, began: time.Now(),
		cutoff: start.Add(-opt.IPRetention),
		report: &Report{
			Format: opt.Format, Site: opt.Site.Host, DryRun: opt.DryRun, StartedAt: start.UTC(),
			AddedByStatus: map[model.Status]int{}, SkippedByReason: map[string]int{},
			SkippedEntries: []Skip{}, Notes: map[string]int{}, Warnings: []string{},
		},
		bytes:   func() int64 { return 0 },
		cache:   refCache{limit: cacheGeneration},
		dry:     map[store.ImportKey]store.ImportedComment{},
		native:  map[store.ImportKey]store.ImportedComment{},
		skipped: map[store.ImportKey]bool{},
		users:   map[string]int64{},
		waiting: map[store.ImportKey][]*entry{},
		held:    map[store.ImportKey]*entry{},
		fresh:   map[string]bool{},
		pages:   map[int64]bool{}, dryPages: map[string]bool{}, laneOfPage: map[int64]int{},
		analyzeAt: firstAnalyze,
	}
}

func (g *engine) run(ctx context.Context, r io.Reader) error {
	if g.opt.ThreadKey != ThreadByPath && g.opt.ThreadKey != ThreadByID {
		return fmt.Errorf("import: thread key must be %q or %q", ThreadByPath, ThreadByID)
	}
	in, err := openInput(r, g.opt.Size, g.lim, g.opt.TempDir)
	if err != nil {
		return err
	}
	defer in.cleanup()
	defer func() {
		if g.spill != nil {
			g.spill.remove()
		}
	}()
	g.bytes, g.total = in.counted, in.total
	format, err := g.format(in.head)
	if err != nil {
		return err
	}
	g.report.Format = format
	g.behind = !g.opt.DryRun && g.im.store.ImportReservesIDs()

	pctx, cancel := context.WithCancel(ctx)
	defer cancel()
	// Room for eight batches (8,192 comments at most, a few MB), so that
	// parsing and rendering go on while batches are written: on
	// PostgreSQL the writer waits for the server for tens of
	// milliseconds a batch, and with room for two the parser stopped for
	// a third of the import.
	room := min(8*g.opt.BatchSize, 8192)
	items := make(chan *item, room)
	work := make(chan *item, room)
	errc := make(chan error, 1)
	env := &parseEnv{ctx: pctx, deliver: pipeline(pctx, items, work), limits: g.lim, tempDir: g.opt.TempDir, siteHost: g.opt.Site.Host, format: format}
	g.env = env
	go func() {
		defer close(items)
		defer close(work)
		errc <- parseAll(env, specFor(format), in)
	}()
	var workers sync.WaitGroup
	for range max(1, runtime.GOMAXPROCS(0)) {
		workers.Go(func() {
			for it := range work {
				prepare(it.entry, g.lim.MaxText, g.im.render)
				close(it.done)
			}
		})
	}
	// A batch still being written when the import stops is waited for,
	// and counted if it was stored.
	defer g.settle()
	err = g.consume(ctx, items)
	if err != nil {
		cancel()
		for range items { // let the parser see the cancellation and stop
		}
	}
	parseErr := <-errc
	workers.Wait()
	if err != nil {
		return err
	}
	if err := g.flush(ctx); err != nil {
		return err
	}
	if err := g.settle(); err != nil {
		return err
	}
	if err := g.resolveWaiting(ctx); err != nil {
		return err
	}
	if err := g.settle(); err != nil {
		return err
	}
	g.skipHeld()
	if parseErr == nil {
		parseErr = g.analyzeEnd(ctx)
	}
	return parseErr
}

// format decides the format from the options and the content.
func (g *engine) format(head []byte) (Format, error) {
	detected := Detect(head)
	if g.opt.Format == "" {
		if detected == "" {
			return "", errors.New("import: cannot tell the format of this file; name it (disqus, wordpress, commento, comentario, remark42, isso or parley)")
		}
		return detected, nil
	}
	if specFor(g.opt.Format).parse == nil && specFor(g.opt.Format).parseFile == nil {
		return "", fmt.Errorf("import: unknown format %q", g.opt.Format)
	}
	return g.opt.Format, checkFormat(g.opt.Format, detected)
}

// consume takes entries from the parser until it is done.
func (g *engine) consume(ctx context.Context, items <-chan *item) error {
	tick := time.NewTicker(progressInterval)
	defer tick.Stop()
	for {
		select {
		case it, ok := <-items:
			if !ok {
				return nil
			}
			if it.skip != nil {
				g.report.Read++
				g.skip(*it.skip, it.skipped)
				continue
			}
			select {
			case <-it.done:
			case <-ctx.Done():
				return ctx.Err()
			}
			if err := g.add(ctx, it.entry); err != nil {
				return err
			}
		case <-tick.C:
			g.progress(false)
		case <-ctx.Done():
			return ctx.Err()
		}
	}
}

func (g *engine) add(ctx context.Context, e *entry) error {
	g.report.Read++
	if s := g.normalize(e); s != nil {
		g.skip(*s, e.Key)
		return nil
	}
	g.pending = append(g.pending, e)
	if len(g.pending) >= g.opt.BatchSize {
		return g.flush(ctx)
	}
	return nil
}

// batch is one transaction's worth of comments, parents before replies.
type batch struct {
	items   []store.ImportComment
	entries []*entry
	index   map[store.ImportKey]int
}

// newBatch returns an empty batch with room for about n comments.
func newBatch(n int) *batch {
	return &batch{items: make([]store.ImportComment, 0, n), entries: make([]*entry, 0, n), index: make(map[store.ImportKey]int, n)}
}

// root returns the thread root of item i, whose id and whose earlier
// items' ids are given, and sets it as the RootID of a reply to an earlier
// item (as the store does when it writes the batch).
func (b *batch) root(i int) int64 {
	ic := &b.items[i]
	switch {
	case ic.ParentIndex >= 0 && ic.ParentIndex < i:
		p := &b.items[ic.ParentIndex]
		if ic.RootID = p.RootID; ic.RootID == 0 {
			ic.RootID = p.ID
		}
		return ic.RootID
	case ic.ParentID != 0:
		return ic.RootID
	}
	return ic.ID
}

// flush resolves and writes the pending entries. Those whose parent is
// not known yet wait for it.
func (g *engine) flush(ctx context.Context) error {
	if len(g.pending) == 0 {
		return nil
	}
	entries := g.pending
	g.pending = nil
	found, err := g.lookup(ctx, entries)
	if err != nil {
		return err
	}
	b := newBatch(len(entries))
	for _, e := range entries {
		if ref, ok := found[e.Key]; ok {
			if err := g.present(e, ref, found, b); err != nil {
				return err
			}
			continue
		}
		if err := g.place(e, found, b, true); err != nil {
			return err
		}
	}
	return g.write(ctx, b)
}

// lookup finds which of the entries, and which of their parents, were
// imported before (in this run or an earlier one).
func (g *engine) lookup(ctx context.Context, entries []*entry) (map[store.ImportKey]store.ImportedComment, error) {
	found := map[store.ImportKey]store.ImportedComment{}
	var ask []store.ImportKey
	asked := map[store.ImportKey]bool{}
	nativeAsk := map[int64]int64{}
	for _, e := range entries {
		for _, k := range []store.ImportKey{e.Key, e.Parent} {
			if k.ID == "" || asked[k] {
				continue
			}
			asked[k] = true
			if ref, ok := g.known(k); ok {
				found[k] = ref
				continue
			}
			fresh, err := g.isFresh(ctx, k.Source)
			if err != nil {
				return nil, err
			}
			if !fresh {
				ask = append(ask, k)
			}
		}
		if e.NativeID != 0 {
			nativeAsk[e.NativeID] = e.CreatedAt.UnixMilli()
		}
	}
	if len(ask) > 0 {
		g.asked += len(ask)
		res, err := g.im.store.ImportLookup(ctx, g.opt.Site.ID, ask)
		if err != nil {
			return nil, err
		}
		for k, ref := range res {
			found[k] = ref
			g.cache.put(k, ref)
		}
	}
	if len(nativeAsk) > 0 {
		res, err := g.im.store.ImportNativeLookup(ctx, g.opt.Site.ID, nativeAsk)
		if err != nil {
			return nil, err
		}
		for _, e := range entries {
			if ref, ok := res[e.NativeID]; ok && e.NativeID != 0 {
				found[e.Key] = ref
				g.native[e.Key] = ref
			}
		}
	}
	return found, nil
}

// isFresh reports whether a key of source that the cache does not hold
// is surely not stored, so that lookup need not ask the database.
func (g *engine) isFresh(ctx context.Context, source string) (bool, error) {
	if g.askAll || g.cache.evicted {
		return false, nil
	}
	fresh, ok := g.fresh[source]
	if !ok {
		held, err := g.im.store.ImportedFrom(ctx, g.opt.Site.ID, source)
		if err != nil {
			return false, err
		}
		fresh = !held
		g.fresh[source] = fresh
	}
	return fresh, nil
}

// known returns what this run knows of an imported comment.
func (g *engine) known(k store.ImportKey) (store.ImportedComment, bool) {
	if ref, ok := g.cache.get(k); ok {
		return ref, true
	}
	if ref, ok := g.native[k]; ok {
		return ref, true
	}
	ref, ok := g.dry[k]
	return ref, ok
}

// present counts an entry that was imported before and releases the
// replies waiting for it.
func (g *engine) present(e *entry, ref store.ImportedComment, found map[store.ImportKey]store.ImportedComment, b *batch) error {
	g.report.AlreadyPresent++
	g.cache.put(e.Key, ref)
	found[e.Key] = ref
	for _, child := range g.release(e.Key) {
		if err := g.place(child, found, b, true); err != nil {
			return err
		}
	}
	return nil
}

// place adds an entry to the batch if its parent is known, then the
// replies that waited for it. Otherwise the entry waits for its parent
// when wait is set, and is left out of the batch when not.
func (g *engine) place(e *entry, found map[store.ImportKey]store.ImportedComment, b *batch, wait bool) error {
	queue := []*entry{e}
	for len(queue) > 0 {
		cur := queue[0]
		queue = queue[1:]
		ic := store.ImportComment{ParentIndex: -1}
		if cur.Parent.ID != "" {
			if i, ok := b.index[cur.Parent]; ok {
				ic.ParentIndex = i
			} else if ref, ok := found[cur.Parent]; ok {
				ic.ParentID, ic.RootID, ic.PageID = ref.ID, ref.RootID, ref.PageID
			} else if ref, ok := g.known(cur.Parent); ok {
				ic.ParentID, ic.RootID, ic.PageID = ref.ID, ref.RootID, ref.PageID
			} else if p, ok := g.held[cur.Parent]; ok {
				// The parent is a deleted comment held back. A deleted
				// reply is held with it: it holds no place for anyone
				// yet. Any other reply needs the parent as its
				// placeholder: store it, then the reply.
				if g.hold(cur) {
					queue = append(queue, g.release(cur.Key)...)
					continue
				}
				delete(g.held, cur.Parent)
				p.keep = true
				queue = append([]*entry{p, cur}, queue...)
				continue
			} else {
				if wait {
					if err := g.wait(cur); err != nil {
						return err
					}
				}
				continue
			}
		}
		if g.hold(cur) {
			queue = append(queue, g.release(cur.Key)...)
			continue
		}
		g.fill(&ic, cur)
		b.index[cur.Key] = len(b.items)
		b.items = append(b.items, ic)
		b.entries = append(b.entries, cur)
		queue = append(queue, g.release(cur.Key)...)
	}
	return nil
}

// fill copies an entry into the comment the store receives.
func (g *engine) fill(ic *store.ImportComment, e *entry) {
	ic.Key = e.Key
	ic.Path, ic.Title, ic.Locked = e.Path, e.Title, e.Locked
	c := &ic.Comment
	c.AuthorID = e.AuthorID
	c.GuestName, c.GuestEmail, c.GuestWebsite = e.Name, e.Email, e.Website
	c.Text, c.HTML = e.Text, e.HTML
	c.Status = e.Status
	c.CreatedAt, c.EditedAt, c.DeletedAt = e.CreatedAt, e.EditedAt, e.DeletedAt
	c.Upvotes, c.Downvotes, c.Score = e.Upvotes, e.Downvotes, e.Upvotes-e.Downvotes
	c.Sticky = e.Sticky
	c.IP, c.UserAgent = e.IP, e.UserAgent
	c.EditTokenHash = e.EditTokenHash
}

// write stores a batch (or, in a dry run, pretends to) and remembers the
// ids of what it stored.
func (g *engine) write(ctx context.Context, b *batch) error {
	if len(b.items) == 0 {
		g.progress(false)
		return nil
	}
	if err := g.authors(ctx, b); err != nil {
		return err
	}
	if g.opt.DryRun {
		g.writeDry(b)
		g.progress(false)
		return nil
	}
	if g.behind {
		if err := g.writeBehind(ctx, b); err != nil {
			return err
		}
	} else {
		if err := g.im.store.ImportBatch(ctx, g.opt.Site.ID, b.items); err != nil {
			return err
		}
		g.stored(b.items)
	}
	if err := g.analyze(ctx); err != nil {
		return err
	}
	g.progress(false)
	return nil
}

// stored counts the comments written and remembers their ids.
func (g *engine) stored(items []store.ImportComment) {
	for i := range items {
		ic := &items[i]
		root := ic.RootID
		if ic.ParentID == 0 {
			root = ic.ID
		}
		g.cache.put(ic.Key, store.ImportedComment{ID: ic.ID, RootID: root, PageID: ic.PageID, Status: ic.Status})
		if ic.Existed {
			g.report.AlreadyPresent++
			continue
		}
		g.report.Added++
		g.report.AddedByStatus[ic.Status]++
		g.pages[ic.PageID] = true
	}
	g.report.Pages = len(g.pages)
}

// importLanes is how many parts of a batch are written at once, each in
// a transaction of its own, where the store reserves ids (PostgreSQL):
// the server's work on a batch, most of an import's time there, then
// takes as many of its cores.
const importLanes = 2

// writing is a part of a batch written by a goroutine of its own.
type writing struct {
	items    []store.ImportComment
	reserved []int64 // the ids given to its items before it was written
	lane     int
	done     chan error
}

// writeBehind gives the batch its ids and remembers them, so that the
// next batches can name its comments as parents, then has it written
// while the engine goes on, in importLanes parts at once (lane). A part
// starts once the part its lane wrote before is stored, and once any
// part it names parents in is: a reply's parent is always stored before
// it or with it.
func (g *engine) writeBehind(ctx context.Context, b *batch) error {
	ids, err := g.im.store.ImportReserveIDs(ctx, len(b.items))
	if err != nil {
		return err
	}
	for i := range b.items {
		ic := &b.items[i]
		ic.ID = ids[i]
		g.cache.put(ic.Key, store.ImportedComment{ID: ic.ID, RootID: b.root(i), Status: ic.Status})
	}
	var parts [importLanes]*writing
	index := make([]int, len(b.items)) // an item's place in its part
	lanes := make([]int, len(b.items))
	for i, ic := range b.items {
		lanes[i] = g.lane(&ic, lanes)
		p := parts[lanes[i]]
		if p == nil {
			p = &writing{lane: lanes[i], done: make(chan error, 1)}
			parts[lanes[i]] = p
		}
		if ic.ParentIndex >= 0 {
			ic.ParentIndex = index[ic.ParentIndex]
		}
		index[i] = len(p.items)
		p.items = append(p.items, ic)
		p.reserved = append(p.reserved, ic.ID)
	}
	for lane, p := range parts {
		if p == nil {
			continue
		}
		if err := g.settleLane(lane, parts[lane:]); err != nil {
			return err
		}
		for other, w := range g.writing {
			if w != nil && w.holdsParentsOf(p) {
				if err := g.settleLane(other, parts[lane:]); err != nil {
					return err
				}
			}
		}
		go func() { p.done <- g.writePart(ctx, p) }()
		g.writing[lane] = p
	}
	return nil
}

// lane is the part of its batch a comment is written in. A reply goes
// with its parent when that is in the batch, so that the parent is
// stored first; otherwise the comments of a page go to one part as far
// as the engine can tell, since the parts of a batch that write to the
// same page take it in turn: a root by its page's path, a reply to a
// stored comment by that comment's page (the part that wrote it, if this
// run did). laneOfPage, filled by settle, is bounded: forgetting only
// costs parts that wait for each other.
func (g *engine) lane(ic *store.ImportComment, lanes []int) int {
	switch {
	case ic.ParentIndex >= 0:
		return lanes[ic.ParentIndex]
	case g.spread && ic.ParentID != 0:
		return int(uint64(ic.RootID) % importLanes)
	case g.spread:
		return int(uint64(ic.ID) % importLanes)
	case ic.ParentID != 0 && ic.PageID != 0:
		if l, ok := g.laneOfPage[ic.PageID]; ok {
			return l
		}
		return int(uint64(ic.PageID) % importLanes)
	}
	h := fnv.New32a()
	h.Write([]byte(ic.Path))
	return int(h.Sum32() % importLanes)
}

// maxLaneMemory bounds laneOfPage.
const maxLaneMemory = 100_000

// writePart writes one part of a batch. A part that two transactions'
// locks made PostgreSQL abort (a deadlock: the parts of a batch take the
// same pages, and the same keys where a file repeats one) is written
// again, as it was, once the other has gone.
func (g *engine) writePart(ctx context.Context, w *writing) error {
	for attempt := 1; ; attempt++ {
		items := slices.Clone(w.items)
		err := g.im.store.ImportBatch(ctx, g.opt.Site.ID, items)
		if err == nil {
			w.items = items
			return nil
		}
		if attempt == 3 || !store.Retryable(err) {
			return err
		}
	}
}

// settle waits for every part being written and counts what they
// stored (settleLane). It returns the first error of a part, having waited
// for all.
func (g *engine) settle() error {
	var first error
	for lane := range g.writing {
		first = cmp.Or(first, g.settleLane(lane, nil))
	}
	return first
}

// settleLane waits for the part being written in a lane, if any, and
// counts what it stored. Where the store gave comments other ids than
// those reserved (a key was stored meanwhile, by an import running at the
// same time), the cache learns the new ones and the replies of the parts
// not yet written (next) that name the old ones are moved to them.
func (g *engine) settleLane(lane int, next []*writing) error {
	w := g.writing[lane]
	if w == nil {
		return nil
	}
	g.writing[lane] = nil
	if err := <-w.done; err != nil {
		return err
	}
	if len(g.laneOfPage) > maxLaneMemory {
		clear(g.laneOfPage)
	}
	moved := map[int64]int64{}
	for i := range w.items {
		if id := w.items[i].ID; id != w.reserved[i] {
			moved[w.reserved[i]] = id
		}
		g.laneOfPage[w.items[i].PageID] = lane
	}
	for _, p := range next {
		if p == nil {
			continue
		}
		for i := range p.items {
			if ic := &p.items[i]; ic.ParentIndex < 0 {
				if id, ok := moved[ic.ParentID]; ok {
					ic.ParentID = id
				}
			}
		}
	}
	g.stored(w.items)
	return nil
}

// holdsParentsOf reports whether a comment of p replies to one of w's
// (whose reserved ids ascend, as ImportReserveIDs gives them).
func (w *writing) holdsParentsOf(p *writing) bool {
	for i := range p.items {
		if ic := &p.items[i]; ic.ParentIndex < 0 && ic.ParentID != 0 {
			if _, found := slices.BinarySearch(w.reserved, ic.ParentID); found {
				return true
			}
		}
	}
	return false
}

// analyze keeps the database's statistics up with the import, a handful
// of times in all: at 1,000 comments, then each time they grow fourfold
// (PostgreSQL scales the row counts it knows by the table's size
// meanwhile, and each ANALYZE of comments reads a sample of up to 30,000
// rows). The lookups of keys are what need them during the import, so an
// import that has asked the database for none (isFresh) leaves them to
// analyzeEnd: it saved 0.4 s of PostgreSQL's time in 100,000 comments.
func (g *engine) analyze(ctx context.Context) error {
	if g.report.Added < g.analyzeAt || g.asked == 0 {
		return nil
	}
	if err := g.im.store.ImportAnalyze(ctx); err != nil {
		return err
	}
	g.analyzeAt, g.analyzed = analyzeGrowth*g.report.Added, g.report.Added
	return nil
}

// analyzeEnd refreshes the statistics once more at the end of an import
// that added rows since they were last refreshed: the last fourfold step
// can be far behind, and a file's last pages (in a Disqus export, often
// thousands of short threads) may look nothing like its first ones. Plans
// made from the old figures read a page's comments through the wrong index
// (7 ms instead of 0.05 ms a thread read, measured).
func (g *engine) analyzeEnd(ctx context.Context) error {
	if g.opt.DryRun || g.report.Added < firstAnalyze || g.report.Added == g.analyzed {
		return nil
	}
	if err := g.im.store.ImportAnalyze(ctx); err != nil {
		return err
	}
	g.analyzed = g.report.Added
	return nil
}

func (g *engine) writeDry(b *batch) {
	for i := range b.items {
		ic := &b.items[i]
		g.nextDryID--
		ic.ID = g.nextDryID
		g.dry[ic.Key] = store.ImportedComment{ID: ic.ID, RootID: b.root(i), Status: ic.Status}
		g.report.Added++
		g.report.AddedByStatus[ic.Status]++
		g.dryPages[ic.Path] = true
	}
	g.report.Pages = len(g.dryPages)
}
