package admin

// dataRoutes are the routes of a site's export and import.
func (h *Handler) dataRoutes() []route {
	return nil
}
