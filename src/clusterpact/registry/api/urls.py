from django.urls import path
from drf_spectacular.views import SpectacularAPIView
from rest_framework.permissions import AllowAny
from rest_framework.routers import SimpleRouter

from . import views

app_name = "api"

router = SimpleRouter()
router.register("clusters", views.ClusterViewSet, basename="cluster")
router.register("organisations", views.OrganisationViewSet, basename="organisation")
router.register("memberships", views.MembershipViewSet, basename="membership")
router.register("fee-rates", views.FeeRateViewSet, basename="fee-rate")

urlpatterns = [
    # The schema is public: it describes the API, not the data behind it.
    path("schema/", SpectacularAPIView.as_view(permission_classes=[AllowAny]), name="schema"),
    path("docs/", views.DocsView.as_view(), name="docs"),
    path("token/", views.ObtainTokenView.as_view(), name="token"),
    path("me/", views.MeView.as_view(), name="me"),
    *router.urls,
]
