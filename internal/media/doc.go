// Package media turns pictures from elsewhere into avatars served from the
// Parley origin (promise P2: a reader's browser never contacts another host
// because of Parley).
//
// FetchAvatar downloads a picture server-side, over HTTPS only, within a
// deadline, a size limit and a bounded number of redirects, and refuses at
// connect time every address that is not public (loopback, private,
// link-local, multicast…), so that neither a crafted URL nor DNS rebinding
// can make Parley reach into its own network. Normalize decodes the bytes
// (type sniffed from the bytes, never taken from headers; dimensions checked
// before decoding, against decompression bombs), resizes them to AvatarSize
// and re-encodes them as PNG, which drops EXIF, GPS and every other
// metadata (promise P13). Avatars stores the result by its SHA-256 and
// returns the Parley path readers load; Identicon draws a picture for people
// who have none, from a keyed hash, never from an email address.
//
// ProcessUpload does the same for images uploaded into comments
// (docs/uploads.md): type from the bytes, pixel count checked before
// decoding, EXIF orientation applied, scaled to MaxUploadSide at most and
// encoded afresh (JPEG or PNG), so that no metadata of the original
// survives; UploadPath and UploadIDOf name uploads on the Parley origin.
//
// This package must never hand a reader's browser a URL of another host,
// never keep the original bytes of a picture, never follow a URL to a
// non-public address, and never log a URL (it may identify a person).
package media
