"""The public progress page of the delivery plan, included by the root URLconf."""

from django.urls import path  # noqa: F401

from . import public_views

app_name = "delivery_plan"
urlpatterns = [
    path("delivery-plan/", public_views.progress, name="progress"),
]
