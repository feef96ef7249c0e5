"""The engagement charter: its principles, the levels of engagement and the activity areas."""

from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords


class ActivityArea(models.Model):
    number = models.PositiveSmallIntegerField(_("number"), unique=True)
    name = models.CharField(_("name"), max_length=150, unique=True)
    description = models.TextField(_("description"), blank=True)

    class Meta:
        verbose_name = _("activity area")
        verbose_name_plural = _("activity areas")
        ordering = ["number"]

    def __str__(self):
        return self.name


class CharterPrinciple(models.Model):
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    title = models.CharField(
        _("principle"), max_length=200, unique=True, help_text=_("e.g. I will use clear language")
    )
    commitment = models.TextField(_("what it commits the office to"))

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("charter principle")
        verbose_name_plural = _("charter principles")
        ordering = ["position", "id"]

    def __str__(self):
        return self.title


class EngagementLevel(models.Model):
    """A level of the IAP2 public participation spectrum as the office adapted it."""

    position = models.PositiveSmallIntegerField(_("position"), default=0)
    name = models.CharField(_("name"), max_length=50, unique=True, help_text=_("e.g. Consult"))
    aim = models.TextField(_("community engagement aim"))
    commitment = models.TextField(_("commitment to communities"))
    ways_to_engage = models.TextField(_("ways to engage"), help_text=_("One per line"))

    class Meta:
        verbose_name = _("engagement level")
        verbose_name_plural = _("engagement levels")
        ordering = ["position", "id"]

    def __str__(self):
        return self.name

    @property
    def ways(self) -> list[str]:
        return [line.strip() for line in self.ways_to_engage.splitlines() if line.strip()]
