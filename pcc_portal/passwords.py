"""A password check that Django's own validators leave out: enough different characters.

A long password made of two letters (`aaaaaaaaaaaa`) or of one word typed twice
(`passwordpassword`) passes the length check but is among the first things guessed.
"""

from django.core.exceptions import ValidationError

TOO_FEW_DIFFERENT = "Password must contain at least {count} different characters"
REPEATED_PIECE = (
    "Password must not be a word or group of characters typed again and again, "
    "like passwordpassword"
)


class VariedCharactersValidator:
    """Refuse a password of fewer than `min_different` different characters, or one that is a
    short piece repeated (letter case ignored: `PasswordPASSWORD` is one word twice)."""

    def __init__(self, min_different: int = 5):
        self.min_different = min_different

    def validate(self, password, user=None):
        folded = password.casefold()
        if len(set(folded)) < self.min_different:
            raise ValidationError(
                TOO_FEW_DIFFERENT.format(count=self.min_different), code="password_too_uniform"
            )
        if is_repeated_piece(folded):
            raise ValidationError(REPEATED_PIECE, code="password_repeated")

    def get_help_text(self):
        return (
            f"Your password must contain at least {self.min_different} different characters "
            "and must not be one word typed again and again."
        )


def is_repeated_piece(text: str) -> bool:
    """Whether `text` is one piece, at most half its length, typed over and over (the last time
    perhaps only in part, as in `abcabcab`)."""
    for size in range(1, len(text) // 2 + 1):
        piece = text[:size]
        if (piece * (len(text) // size + 1))[: len(text)] == text:
            return True
    return False
