from django.urls import include, path
from rest_framework.routers import SimpleRouter

from . import api, views

router = SimpleRouter()
router.register("activity-areas", api.ActivityAreaViewSet)
router.register("charter-principles", api.CharterPrincipleViewSet)
router.register("engagement-levels", api.EngagementLevelViewSet)

app_name = "engagement"
urlpatterns = [
    path("charter/", views.charter, name="charter"),
    path("api/v1/", include(router.urls)),
]
