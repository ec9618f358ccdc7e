package importer

import "context"

// authors links comments from a Parley export to the accounts they were
// written with, when the account exists here (matched by email).
func (g *engine) authors(ctx context.Context, b *batch) error {
	for i, e := range b.entries {
		if e.AccountEmail == "" {
			continue
		}
		id, ok := g.users[e.AccountEmail]
		if !ok {
			var err error
			if id, err = g.im.store.ImportUserByEmail(ctx, e.AccountEmail); err != nil {
				return err
			}
			if len(g.users) < cacheGeneration {
				g.users[e.AccountEmail] = id
			}
		}
		c := &b.items[i].Comment
		if c.AuthorID = id; id == 0 && c.GuestName == "" {
			c.GuestName = e.AccountName
		}
	}
	return nil
}
