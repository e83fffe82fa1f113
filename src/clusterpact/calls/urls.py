from django.urls import include, path
from rest_framework.routers import SimpleRouter

from . import api, views, views_overlap, views_review, views_selection

app_name = "calls"

router = SimpleRouter()
router.register("proposals", api.ProposalViewSet, basename="api-proposal")

urlpatterns = [
    path("", views.call_list, name="call-list"),
    path("new/", views.call_form, name="call-create"),
    path("<int:pk>/", views.call_detail, name="call-detail"),
    path("<int:pk>/edit/", views.call_form, name="call-edit"),
    path("<int:pk>/apply/", views.proposal_create, name="proposal-create"),
    path("<int:pk>/assignments/", views_review.assignments, name="assignments"),
    path("<int:pk>/ranking/", views_selection.ranking, name="ranking"),
    path("<int:pk>/decide/", views_selection.decide, name="decide"),
    path("<int:pk>/letters.pdf", views_selection.letters, name="letters"),
    path("<int:pk>/overlap/", views_overlap.call_overlap, name="call-overlap"),
    path("clusters-overlap/", views_overlap.consolidation, name="consolidation"),
    path("themes/", views_overlap.theme_gaps, name="theme-gaps"),
    path("reviews/", views_review.reviewer_home, name="reviewer-home"),
    path("proposals/<int:pk>/", views.proposal_detail, name="proposal-detail"),
    path("proposals/<int:pk>/edit/", views.proposal_edit, name="proposal-edit"),
    path("proposals/<int:pk>/partners/", views.partner_add, name="partner-add"),
    path(
        "proposals/<int:pk>/partners/<int:partner_pk>/remove/",
        views.partner_remove,
        name="partner-remove",
    ),
    path("proposals/<int:pk>/budget/", views.budget_add, name="budget-add"),
    path(
        "proposals/<int:pk>/budget/<int:line_pk>/remove/",
        views.budget_remove,
        name="budget-remove",
    ),
    path("proposals/<int:pk>/kpis/", views.kpi_add, name="kpi-add"),
    path("proposals/<int:pk>/kpis/<int:kpi_pk>/remove/", views.kpi_remove, name="kpi-remove"),
    path("proposals/<int:pk>/attachments/", views.attachment_add, name="attachment-add"),
    path(
        "proposals/<int:pk>/attachments/<int:attachment_pk>/",
        views.attachment_download,
        name="attachment-download",
    ),
    path(
        "proposals/<int:pk>/attachments/<int:attachment_pk>/remove/",
        views.attachment_remove,
        name="attachment-remove",
    ),
    path("proposals/<int:pk>/submit/", views.proposal_submit, name="proposal-submit"),
    path("proposals/<int:pk>/receipt/", views.proposal_receipt, name="proposal-receipt"),
    path("proposals/<int:pk>/overlap/", views_overlap.proposal_overlap, name="proposal-overlap"),
    path("proposals/<int:pk>/conflict/", views_review.conflict_declare, name="conflict-declare"),
    path("proposals/<int:pk>/review/", views_review.review_form, name="review"),
    path("proposals/<int:pk>/consensus/", views_review.consensus, name="consensus"),
    path("proposals/<int:pk>/letter.pdf", views_selection.letter, name="letter"),
    path("proposals/<int:pk>/project/", views_selection.project, name="project"),
    path("api/", include(router.urls)),
]
