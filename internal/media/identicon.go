package media

import (
	"encoding/hex"
	"fmt"
	"strings"
)

// IdenticonSeedBytes is the length of an identicon's seed; its path carries
// it as 2×IdenticonSeedBytes hex digits.
const IdenticonSeedBytes = 16

// IdenticonPrefix starts every identicon path.
const IdenticonPrefix = "/avatars/identicon/"

// IdenticonPath returns the Parley path of the identicon drawn from seed
// (its first IdenticonSeedBytes bytes). The seed must be a keyed hash (see
// privacy.Sealer.IdenticonSeed), never anything a reader could reverse into
// an email address.
func IdenticonPath(seed []byte) string {
	return IdenticonPrefix + hex.EncodeToString(seed[:IdenticonSeedBytes]) + ".svg"
}

// ParseIdenticonName returns the seed of an identicon file name
// ("<32 hex digits>.svg"), or false.
func ParseIdenticonName(name string) ([]byte, bool) {
	h, ok := strings.CutSuffix(name, ".svg")
	if !ok || len(h) != 2*IdenticonSeedBytes || strings.ToLower(h) != h {
		return nil, false
	}
	seed, err := hex.DecodeString(h)
	return seed, err == nil
}

// Identicon draws seed as a 5×5 grid, symmetric left to right, in one
// colour derived from the seed, as a small SVG with no script, link or
// style: the same seed always gives the same bytes.
func Identicon(seed []byte) []byte {
	hue := (int(seed[0])<<8 | int(seed[1])) % 360
	var b strings.Builder
	fmt.Fprintf(&b, `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 5 5" width="%d" height="%d" shape-rendering="crispEdges">`, AvatarSize, AvatarSize)
	b.WriteString(`<rect width="5" height="5" fill="#f0f0f0"/>`)
	fmt.Fprintf(&b, `<path fill="hsl(%d,55%%,50%%)" d="`, hue)
	bit := 16 // the first two bytes chose the colour
	for y := range 5 {
		for x := range 3 {
			on := seed[bit/8%len(seed)]>>(bit%8)&1 == 1
			bit++
			if !on {
				continue
			}
			fmt.Fprintf(&b, "M%d %dh1v1h-1z", x, y)
			if x < 2 {
				fmt.Fprintf(&b, "M%d %dh1v1h-1z", 4-x, y)
			}
		}
	}
	b.WriteString(`"/></svg>`)
	return []byte(b.String())
}
