package exportformat

// Meta keys that let Parley import its own WXR back exactly (the exporter
// writes them, the importer reads them; WordPress keeps them as meta data):
// the page's path on an item (<wp:postmeta>), and on each comment
// (<wp:commentmeta>) its import key and its parent's as "source:id" — the
// key the comment was imported with, or "parley:HOST#ID" for one written
// in Parley.
const (
	WXRMetaPath      = "_parley_path"
	WXRMetaKey       = "_parley_key"
	WXRMetaParentKey = "_parley_parent_key"
)
