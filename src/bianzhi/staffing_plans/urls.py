from django.urls import path

from bianzhi.staffing_plans import views

app_name = "staffing_plans"

urlpatterns = [
    path("", views.index, name="index"),
    path("county/<str:county_code>/", views.county, name="county"),
    path("township/<str:township_code>/", views.township, name="township"),
    path("plan/<int:plan_id>/", views.plan, name="plan"),
    path("plan/<int:plan_id>/plan.xlsx", views.plan_xlsx, name="plan-xlsx"),
    path("plan/<int:plan_id>/template.xlsx", views.plan_template, name="plan-template"),
]
