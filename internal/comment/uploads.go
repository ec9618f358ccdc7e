package comment

import (
	"context"
	"slices"

	"github.com/parleyhq/parley/internal/model"
	"github.com/parleyhq/parley/internal/store"
)

// MaxCommentImages bounds the images one comment shows: the first ones in
// its text that are uploads its writer may show; other images stay links.
const MaxCommentImages = 10

// ImageRenderer is a Renderer that can also show uploaded images
// (markup.Renderer made by markup.WithImages).
type ImageRenderer interface {
	Renderer
	// Images lists the addresses of the images in markdown, at most max.
	Images(markdown string, max int) []string
	// RenderCommentImages is RenderComment showing the images whose
	// address show accepts.
	RenderCommentImages(markdown string, show func(dest string) bool) (string, error)
}

// renderFor renders text for a comment that w writes on site, showing as
// images the uploads w may show (store.UsableUploads) when the site takes
// uploads and the service knows them (UploadID, an ImageRenderer), and
// returns those uploads' ids, for the store to link to the comment. Errors
// as renderText.
func (s *Service) renderFor(ctx context.Context, site *model.Site, w store.UploadWriter, text string) (string, []string, error) {
	ir, ok := s.render.(ImageRenderer)
	if !ok || s.UploadID == nil || !site.Settings.Uploads {
		html, err := s.renderText(text)
		return html, nil, err
	}
	var ids []string
	for _, dest := range ir.Images(text, MaxCommentImages) {
		if id, ok := s.UploadID(dest); ok && !slices.Contains(ids, id) {
			ids = append(ids, id)
		}
	}
	usable, err := s.store.UsableUploads(ctx, w, ids)
	if err != nil {
		return "", nil, err
	}
	html, err := renderErr(ir.RenderCommentImages(text, func(dest string) bool {
		id, ok := s.UploadID(dest)
		return ok && usable[id]
	}))
	ids = slices.DeleteFunc(ids, func(id string) bool { return !usable[id] })
	return html, ids, err
}
