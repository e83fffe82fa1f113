from django.urls import path

from . import views

app_name = "funding"

urlpatterns = [
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
