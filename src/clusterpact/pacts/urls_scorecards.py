from django.urls import path

from . import views_scorecards as views

urlpatterns = [
    path("scorecards/<slug:slug>/", views.scorecard, name="scorecard"),
    path(
        "scorecards/<slug:slug>/<int:year>.<str:fmt>",
        views.scorecard_export,
        name="scorecard-export",
    ),
    path("comparison/", views.comparison, name="comparison"),
    path("comparison/<int:year>.<str:fmt>", views.programme_export, name="programme-export"),
    path("public/comparison/", views.public_comparison, name="public-comparison"),
]
