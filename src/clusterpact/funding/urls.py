from django.urls import path

from . import urls_records, urls_transfer, views

# Each feature keeps its routes in its own module, in one namespace.
app_name = "funding"

urlpatterns = [
    *urls_transfer.urlpatterns,
    *urls_records.urlpatterns,
    path("", views.programme, name="programme"),
    path("clusters/<slug:slug>/", views.cluster_funding, name="cluster"),
    path("clusters/<slug:slug>/grants/new/", views.grant_create, name="grant-create"),
    path("clusters/<slug:slug>/grants/<int:pk>/", views.grant_edit, name="grant-edit"),
    path(
        "clusters/<slug:slug>/compliance/<str:fmt>/",
        views.compliance_export,
        name="compliance-export",
    ),
]
