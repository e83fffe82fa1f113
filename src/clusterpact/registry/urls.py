from django.urls import path

from . import views, views_fees, views_transfer

app_name = "registry"

urlpatterns = [
    path("clusters/", views.cluster_list, name="cluster-list"),
    path("clusters/<slug:slug>/", views.cluster_detail, name="cluster-detail"),
    path(
        "clusters/<slug:slug>/members/import/",
        views_transfer.member_import,
        name="member-import",
    ),
    path(
        "clusters/<slug:slug>/members/import/commit/",
        views_transfer.member_import_commit,
        name="member-import-commit",
    ),
    path(
        "clusters/<slug:slug>/members/export/<str:fmt>/",
        views_transfer.member_export,
        name="member-export",
    ),
    path(
        "members/template/<str:fmt>/",
        views_transfer.member_template,
        name="member-template",
    ),
    path("clusters/<slug:slug>/fees/", views_fees.fee_schedule, name="fee-schedule"),
    path("organisations/", views.organisation_list, name="organisation-list"),
    path("organisations/<int:pk>/", views.organisation_detail, name="organisation-detail"),
]
