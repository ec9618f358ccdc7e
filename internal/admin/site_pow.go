package admin

import (
	"fmt"
	"net/url"
	"strconv"
	"strings"

	"github.com/parleyhq/parley/internal/captcha"
	"github.com/parleyhq/parley/internal/model"
)

// The choices of the settings form's proof of work (proof_of_work), as
// `parley site spam --proof-of-work` takes them: off, on at the server's
// difficulty, or on at the site's own (pow_difficulty).
const (
	powOff    = "off"
	powOn     = "on"
	powCustom = "custom"
)

// powOptions are the proof-of-work choices of the settings form.
var powOptions = []option{{powOff, "Off"}, {powOn, "On, at the server's difficulty"}, {powCustom, "On, at this site's difficulty:"}}

// powFormOf is the stored proof of work as the form shows it: its choice
// and, for a difficulty of the site's own, that difficulty.
func powFormOf(s model.SiteSettings) (choice, difficulty string) {
	switch {
	case !s.ProofOfWork:
		return powOff, ""
	case s.ProofOfWorkDifficulty == 0:
		return powOn, ""
	}
	return powCustom, strconv.Itoa(s.ProofOfWorkDifficulty)
}

// readProofOfWork reads the posted proof of work over s within the bounds
// the CLI enforces (captcha.MinDifficulty to captcha.MaxDifficulty), putting
// a mistake in problems. No choice posted (an unticked group) is off; the
// difficulty is read only with the custom choice.
func readProofOfWork(f url.Values, s model.SiteSettings, problems map[string]string) model.SiteSettings {
	switch f.Get("proof_of_work") {
	case "", powOff:
		s.ProofOfWork, s.ProofOfWorkDifficulty = false, 0
	case powOn:
		s.ProofOfWork, s.ProofOfWorkDifficulty = true, 0
	case powCustom:
		d, err := strconv.Atoi(strings.TrimSpace(f.Get("pow_difficulty")))
		if err != nil || d < captcha.MinDifficulty || d > captcha.MaxDifficulty {
			problems["pow_difficulty"] = fmt.Sprintf("Enter a whole number from %d to %d.", captcha.MinDifficulty, captcha.MaxDifficulty)
		}
		s.ProofOfWork, s.ProofOfWorkDifficulty = true, d
	default:
		problems["proof_of_work"] = "Choose off, on or a difficulty of the site's."
	}
	return s
}
