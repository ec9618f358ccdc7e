package admin

// moderationRoutes are the routes of search, editing, bans, IP blocks, author history and the audit log.
func (h *Handler) moderationRoutes() []route {
	return nil
}
