from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from clusterpact.accounts import views as account_views

urlpatterns = [
    path("", account_views.home, name="home"),
    path("dashboard/", account_views.dashboard, name="dashboard"),
    path("accounts/login/", account_views.LoginView.as_view(), name="login"),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("registry/", include("clusterpact.registry.urls")),
    path("api/", include("clusterpact.registry.api.urls")),
    path("evaluation/", include("clusterpact.evaluation.urls")),
    path("pacts/", include("clusterpact.pacts.urls")),
    path("funding/", include("clusterpact.funding.urls")),
    path("calls/", include("clusterpact.calls.urls")),
    path("landscape/", include("clusterpact.landscape.urls")),
    path("scenarios/", include("clusterpact.scenarios.urls")),
    path("admin/", admin.site.urls),
]
