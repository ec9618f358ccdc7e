package admin

// operatorRoutes are the routes of the operator area: accounts, plans, sites, broadcast, contact messages.
func (h *Handler) operatorRoutes() []route {
	return nil
}
