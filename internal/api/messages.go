package api

import "net/http"

// messagesResponse carries the widget's translation for one language; I18n is absent for
// English and for languages without a translation (the widget has English built in).
type messagesResponse struct {
	I18n *wireMessages `json:"i18n,omitempty"`
}

// messages serves GET /api/v1/messages?lang=L: the translation the thread would carry, for a
// widget that could not load its thread and must still explain why in the reader's language.
// Translations are public and change only with the binary, so any page may read them.
func (h *Handler) messages(w http.ResponseWriter, r *http.Request) {
	allowAnyOrigin(w, r)
	var resp messagesResponse
	if h.Messages != nil {
		if tag, msgs, ok := h.Messages(r.URL.Query().Get("lang")); ok {
			resp.I18n = &wireMessages{Lang: tag, Messages: msgs}
		}
	}
	w.Header().Set("Cache-Control", "public, max-age=3600")
	writeJSON(w, http.StatusOK, resp)
}
