from django.urls import path

from bianzhi.accounts import views

app_name = "accounts"

urlpatterns = [
    path("login/", views.LoginView.as_view(), name="login"),
    path("logout/", views.LogoutView.as_view(), name="logout"),
    path("tokens/", views.token_list, name="tokens"),
    path("tokens/revoke-all/", views.tokens_revoke_all, name="tokens_revoke_all"),
    path("tokens/<int:token_id>/revoke/", views.token_revoke, name="token_revoke"),
]
