from rest_framework.routers import DefaultRouter

from . import api

router = DefaultRouter()
router.register("policing-areas", api.PolicingAreaViewSet)
router.register("local-authorities", api.LocalAuthorityViewSet)
router.register("aims", api.AimViewSet)
router.register("objectives", api.ObjectiveViewSet)
