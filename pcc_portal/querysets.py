from django.contrib.auth.base_user import BaseUserManager
from django.db import models
from django.db.models import Q, Sum
from django.utils import timezone


class UserManager(BaseUserManager):
    use_in_migrations = True

    def _create_user(self, email, password, **extra_fields):
        if not email:
            raise ValueError("An email address is required")
        user = self.model(email=self.normalize_email(email).lower(), **extra_fields)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_user(self, email, password=None, **extra_fields):
        extra_fields.setdefault("is_staff", False)
        extra_fields.setdefault("is_superuser", False)
        return self._create_user(email, password, **extra_fields)

    def create_superuser(self, email, password=None, **extra_fields):
        extra_fields["is_staff"] = True
        extra_fields["is_superuser"] = True
        return self._create_user(email, password, **extra_fields)

    def get_by_natural_key(self, username):
        return self.get(**{f"{self.model.USERNAME_FIELD}__iexact": username})

    def holding_role(self, *role_names: str):
        """The active people who hold any of these roles: a reminder to a role goes to them."""
        return self.filter(is_active=True, groups__name__in=role_names).distinct()


class OfficeProfileManager(models.Manager):
    def get_current(self):
        """The office's profile, or an unsaved neutral one on a database not yet loaded."""
        profile = self.first()
        if profile is None:
            profile = self.model(
                office_name="Engagement Portal",
                area_name="",
                holder_title="Commissioner",
            )
        return profile


class PolicingAreaQuerySet(models.QuerySet):
    def with_residents(self):
        """Each area's population: the sum of its local authorities' residents."""
        return self.annotate(residents=Sum("local_authorities__residents")).order_by(
            "position", "name"
        )


class DeviceTokenQuerySet(models.QuerySet):
    def active(self):
        return self.filter(revoked_at__isnull=True, expires_at__gt=timezone.now())

    def for_user(self, user):
        return self.filter(user=user)

    def expired_or_revoked(self):
        return self.filter(Q(revoked_at__isnull=False) | Q(expires_at__lte=timezone.now()))


class CalendarFeedQuerySet(models.QuerySet):
    def active(self):
        return self.filter(revoked_at__isnull=True)

    def for_user(self, user):
        return self.filter(user=user)


# A search of more words than this is cut short: each word is one more condition on every row.
SEARCH_MAX_WORDS = 10


class DecisionQuerySet(models.QuerySet):
    def public(self):
        """Decisions the office has published; the rest are seen in the admin only."""
        return self.filter(is_public=True)

    def newest_first(self):
        return self.order_by("-decided_on", "-reference", "-pk")

    def matching(self, words: str):
        """Decisions whose title, summary or reference holds every one of these words."""
        found = self
        for word in words.split()[:SEARCH_MAX_WORDS]:
            found = found.filter(
                Q(title__icontains=word) | Q(summary__icontains=word) | Q(reference__icontains=word)
            )
        return found


class ReminderSentQuerySet(models.QuerySet):
    def keys_sent_to(self, person, keys) -> set[str]:
        """Which of these reminder keys this person has already been sent."""
        return set(self.filter(recipient=person, key__in=list(keys)).values_list("key", flat=True))

    def for_list(self):
        """Newest first, with the person and the email, for the staff page: one query a page."""
        return self.select_related("recipient", "message").order_by("-sent_at", "due_on", "pk")
