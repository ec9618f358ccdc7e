// Package policy decides, from a site's moderation settings and facts about
// a comment and its author, whether the comment is published, held for a
// moderator or rejected as spam, and says why in a reason code and a
// sentence a moderator can read (docs/moderation.md).
//
// It is pure: no database, no network, no clock. The caller gathers the
// facts. It must never treat an identity as proven that the caller did not
// prove: PreviouslyApproved is for an account or a verified guest email
// (or the holder of the comment's edit token, on an edit), never for an
// email merely typed into a form.
package policy
