package admin

// mailbox is text, the message of a page that promises a mail, and where
// that mail is when the server prints mails to its log instead of sending
// them (Deps.MailLogged): without it a newcomer trying Parley on their own
// machine waits for a mail that never comes.
func (h *Handler) mailbox(text string) string {
	if !h.MailLogged {
		return text
	}
	return text + " This server sends no mail (PARLEY_SMTP_URL is not set): the message, link included, is in its log, on the line \"mail printed instead of sent\"."
}
