from django.urls import path

from . import views_records as views

urlpatterns = [
    path("projects/", views.project_list, name="project-list"),
    path("projects/new/", views.project_create, name="project-create"),
    path("projects/<int:pk>/", views.project_detail, name="project-detail"),
    path("projects/<int:pk>/edit/", views.project_edit, name="project-edit"),
    path(
        "clusters/<slug:slug>/grants/<int:pk>/payments/",
        views.grant_payments,
        name="grant-payments",
    ),
    path(
        "clusters/<slug:slug>/grants/<int:pk>/payments/<int:payment_pk>/delete/",
        views.payment_delete,
        name="payment-delete",
    ),
    path("clusters/<slug:slug>/contributions/", views.contributions, name="contributions"),
    path(
        "clusters/<slug:slug>/contributions/<int:pk>/delete/",
        views.contribution_delete,
        name="contribution-delete",
    ),
    path("lines/", views.funding_lines, name="lines"),
]
