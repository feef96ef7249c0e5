from django.urls import path

from . import keying_views, views

app_name = "consultations"
urlpatterns = [
    path("consultations/", views.consultation_list, name="list"),
    path("consultations/<slug:slug>/", views.consultation_detail, name="detail"),
    path("consultations/<slug:slug>/done/", views.response_done, name="done"),
    path("consultations/<slug:slug>/print/", keying_views.consultation_print, name="print"),
]
