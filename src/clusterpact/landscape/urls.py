from django.urls import path

from . import views

app_name = "landscape"

urlpatterns = [
    path("", views.measures, name="measures"),
    path("clusters/<slug:slug>/", views.cluster_measures, name="cluster-measures"),
    path("network/", views.network_view, name="network"),
    path("network/data/", views.network_data, name="network-data"),
    path("profiles/", views.profiles, name="profiles"),
    path("profiles/<int:pk>/", views.profile_detail, name="profile"),
    path("partners/", views.partners, name="partners"),
    path("partners/export/<str:fmt>/", views.partners_export, name="partners-export"),
    path("specialisation/", views.specialisation, name="specialisation"),
    path("specialisation/import/", views.specialisation_upload, name="specialisation-upload"),
    path("specialisation/<int:pk>/", views.dataset_detail, name="dataset"),
    path("specialisation/<int:pk>/map/", views.dataset_map, name="dataset-map"),
]
