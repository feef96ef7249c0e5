"""Every delivery plan page of the admin answers an administrator: each model's list, with a
search where it has one, its add page where adding is allowed, and one record's change page."""

import pytest
from django.contrib import admin
from django.test import RequestFactory
from django.urls import reverse

from tests.delivery_plan.factories import every_delivery_plan_record

pytestmark = pytest.mark.django_db

MODELS = sorted(
    (model for model in admin.site._registry if model._meta.app_label == "delivery_plan"),
    key=lambda model: model._meta.label,
)


def url(model, view: str, *args) -> str:
    return reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_{view}", args=args)


@pytest.fixture
def administrator(signed_in_as, reference_data):
    user = signed_in_as("Administrator")
    every_delivery_plan_record(by=user)
    return user


def test_every_model_is_in_the_admin():
    assert [model.__name__ for model in MODELS] == [
        "Action",
        "Milestone",
        "Plan",
        "RagUpdate",
        "ReportSnapshot",
        "Task",
    ]


@pytest.mark.parametrize("model", MODELS, ids=lambda m: m._meta.label)
def test_each_page_opens(client, administrator, model):
    model_admin = admin.site._registry[model]
    response = client.get(url(model, "changelist"))
    assert response.status_code == 200
    assert response.context["cl"].result_count >= 1
    if model_admin.search_fields:
        assert client.get(url(model, "changelist"), {"q": "x"}).status_code == 200
    request = RequestFactory().get("/admin/")
    request.user = administrator
    allowed = model_admin.has_add_permission(request)
    assert client.get(url(model, "add")).status_code == (200 if allowed else 403)
    record = model._default_manager.order_by("pk").first()
    response = client.get(url(model, "change", record.pk))
    assert response.status_code == 200
    assert response.context["original"] == record
