"""The portal floor's own staff pages: the record of the daily reminder digests."""

from functools import wraps

import django_filters
from django import forms
from django.contrib.auth import get_user_model
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.shortcuts import render
from django.views.decorators.http import require_GET

from .filters import ANY, FilterPanelMixin
from .models import ReminderSent
from .rules import SEE_REMINDERS_SENT

REMINDERS_PER_PAGE = 50


def rule_required(rule: str):
    """Open the view only to a signed-in person who passes `rule` (a page-level rule); the
    menu entry for the page names the same rule."""

    def decorator(view):
        @wraps(view)
        def wrapped(request, *args, **kwargs):
            if not request.user.is_authenticated:
                return redirect_to_login(request.get_full_path())
            if not request.user.has_perm(rule):
                raise PermissionDenied
            return view(request, *args, **kwargs)

        wrapped.rule = rule
        return wrapped

    return decorator


def _people_reminded(request=None):
    """The people the digests have reached: the choices of the person filter."""
    return (
        get_user_model()
        .objects.filter(pk__in=ReminderSent.objects.values("recipient"))
        .order_by("full_name", "email")
    )


class PersonChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return f"{obj.full_name} ({obj.email})" if obj.full_name else obj.email


class PersonFilter(django_filters.ModelChoiceFilter):
    field_class = PersonChoiceField


class ReminderSentFilter(FilterPanelMixin, django_filters.FilterSet):
    recipient = PersonFilter(queryset=_people_reminded, label="Sent to", empty_label=ANY)
    sent_from = django_filters.DateFilter(
        field_name="sent_at",
        lookup_expr="date__gte",
        label="Sent on or after",
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    sent_to = django_filters.DateFilter(
        field_name="sent_at",
        lookup_expr="date__lte",
        label="Sent on or before",
        widget=forms.DateInput(attrs={"type": "date"}),
    )

    class Meta:
        model = ReminderSent
        fields = ["recipient", "sent_from", "sent_to"]


@require_GET
@rule_required(SEE_REMINDERS_SENT)
def reminders_sent(request):
    """What the daily digests sent, to whom and when, newest first."""
    filters = ReminderSentFilter(request.GET, queryset=ReminderSent.objects.for_list())
    rows = filters.qs if filters.is_valid() else ReminderSent.objects.none()
    page = Paginator(rows, REMINDERS_PER_PAGE).get_page(request.GET.get("page"))
    return render(
        request,
        "pcc_portal/staff/reminders_sent.html",
        {"page": page, "filters": filters},
        status=200 if filters.is_valid() else 400,
    )
