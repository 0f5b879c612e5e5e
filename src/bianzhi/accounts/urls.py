from django.urls import path

from bianzhi.accounts import views

app_name = "accounts"

urlpatterns = [
    path("login/", views.LoginView.as_view(), name="login"),
    path("logout/", views.LogoutView.as_view(), name="logout"),
    path("login/otp/", views.login_otp, name="login_otp"),
    path("password/", views.password_change, name="password_change"),
    path("2fa/", views.totp_setup, name="totp_setup"),
    path("users/", views.user_list, name="users"),
    path("users/new/", views.user_create, name="user_create"),
    path("users/<int:user_id>/", views.user_detail, name="user_detail"),
    path("policy/", views.policy_edit, name="policy"),
    path("tokens/", views.token_list, name="tokens"),
    path("tokens/revoke-all/", views.tokens_revoke_all, name="tokens_revoke_all"),
    path("tokens/<int:token_id>/revoke/", views.token_revoke, name="token_revoke"),
]
