package admin

// siteRoutes are the routes of adding a site, its settings, members and deletion.
func (h *Handler) siteRoutes() []route {
	return nil
}
