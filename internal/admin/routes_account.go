package admin

// accountRoutes are the routes of an owner's own account: sign-up, verification, password, email, deletion.
func (h *Handler) accountRoutes() []route {
	return nil
}
