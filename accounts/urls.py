from django.urls import path

from . import api, views

urlpatterns = [
    path("auth/login", views.kroger_login, {"backend": "kroger"}, name="kroger-login"),
    path("auth/callback", views.kroger_callback, {"backend": "kroger"}, name="kroger-callback"),
    path("auth/error", views.auth_error, name="auth-error"),
    path("auth/logout", views.logout_view, name="logout"),
    path("api/user", api.CurrentUserView.as_view(), name="api-user"),
    path("api/user/location", api.PreferredLocationView.as_view(), name="api-user-location"),
    path("api/user/kroger", api.KrogerConnectionView.as_view(), name="api-user-kroger"),
]
