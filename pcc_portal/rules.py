"""Who may open the portal floor's own staff pages: named predicates of the `rules` library,
registered as permissions and asked by every door (the page, its menu entry and the admin)
through `user.has_perm(name)`.

The names never reuse Django's own "app.view_model" codenames: Django's ModelBackend answers
those without asking whether the person works for the office.
"""

import rules

# --- Pages (menus show an entry exactly when its page would open) -----------------------------
SEE_REMINDERS_SENT = "pcc_portal.see_reminders_sent"


def holds(permission: str):
    """The person's roles grant this model permission (Django's ModelBackend decides)."""

    @rules.predicate(name=f"holds {permission}")
    def predicate(user) -> bool:
        return user.has_perm(permission)

    return predicate


@rules.predicate
def is_staff(user) -> bool:
    return bool(user.is_authenticated and user.is_active and user.is_staff)


RULES = {
    # The record of the daily reminder digests: what went to whom, and when.
    SEE_REMINDERS_SENT: is_staff & holds("pcc_portal.view_remindersent"),
}

for _name, _predicate in RULES.items():
    rules.set_perm(_name, _predicate)
