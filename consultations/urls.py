from django.urls import path

from . import keying_views, saving_views, views

app_name = "consultations"
urlpatterns = [
    path("consultations/", views.consultation_list, name="list"),
    path("consultations/<slug:slug>/", views.consultation_detail, name="detail"),
    path("consultations/<slug:slug>/done/", views.response_done, name="done"),
    path("consultations/<slug:slug>/print/", keying_views.consultation_print, name="print"),
    path("consultations/<slug:slug>/save/", saving_views.save_for_later, name="save"),
    path("consultations/<slug:slug>/saved/", saving_views.link_sent, name="saved"),
    # Any text, so that a link cut short or mangled on its way gets the page that says to
    # start again, not a bare "not found".
    path(
        "consultations/<slug:slug>/resume/<str:secret>/",
        saving_views.resume_answers,
        name="resume",
    ),
]
