-- 0024 exists so that a moderator's override can be reported to the spam
-- checker (issue 11, item 3: submit-spam / submit-ham). hold_reason cannot
-- tell it: approving a comment clears the reason, and a comment Akismet
-- passed has none. spam_verdict is what the checker believes of the
-- comment: 'ham' or 'spam' as it answered, then what a moderator reported
-- to it since; NULL when no checker was asked (or it did not answer). It
-- holds no personal data and goes with its comment.
ALTER TABLE comments ADD COLUMN spam_verdict TEXT CHECK (spam_verdict IN ('ham', 'spam'));
