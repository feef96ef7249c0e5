"""Demo users for a laptop run: one per role, with a shared password printed on start-up."""

from .models import User
from .roles import ROLES
from .services import set_roles

DEMO_PASSWORD = "demo-portal-password"  # noqa: S105  (DEBUG-only demo accounts)
DEMO_DOMAIN = "demo.invalid"


def demo_email(role_name: str) -> str:
    return f"{role_name.lower().replace(' and ', '.').replace(' ', '.')}@{DEMO_DOMAIN}"


def create_demo_users() -> list[tuple[str, str]]:
    """Create (or keep) one user per role; returns (role, email) pairs."""
    logins = []
    for role in ROLES:
        email = demo_email(role.name)
        user = User.objects.filter(email=email).first()
        if user is None:
            user = User.objects.create_user(
                email=email, password=DEMO_PASSWORD, full_name=f"Demo {role.name.lower()}"
            )
        if role.name == "Administrator" and not user.is_superuser:
            user.is_superuser = True
            user.save(update_fields=["is_superuser"])
        set_roles(user=user, roles=[role])
        logins.append((role.name, email))
    return logins
