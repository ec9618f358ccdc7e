package privacy

// keyCheckPlain is the known text sealed into a database's key verifier.
const keyCheckPlain = "parley secret key check v1"

// KeyID returns the public id of the newest sealing key: 16 hex characters
// derived from its secret with HKDF under their own label. It names a key in messages
// and in the database so that "which key sealed this data" can be answered
// without revealing anything of the key.
func (s *Sealer) KeyID() string { return s.ring.Load().current().id }

// NewKeyVerifier returns a value for the database that only this key
// opens (see KeyVerifies): a known text, sealed.
func (s *Sealer) NewKeyVerifier() []byte { return s.Seal(keyCheckPlain) }

// KeyVerifies reports whether verifier was made by NewKeyVerifier with this
// key.
func (s *Sealer) KeyVerifies(verifier []byte) bool {
	plain, err := s.Open(verifier)
	return err == nil && plain == keyCheckPlain
}
