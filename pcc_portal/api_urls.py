"""One router for /api/v1/, filled from the registry: this floor's viewsets and every app's, so
the API root lists them all."""

from rest_framework.routers import DefaultRouter

from .registry import api_routes


def build_router() -> DefaultRouter:
    router = DefaultRouter()
    for route in api_routes.values():
        router.register(route.prefix, route.viewset, basename=route.basename)
    return router


router = build_router()
