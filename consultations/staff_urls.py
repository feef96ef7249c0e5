"""The staff pages of consultations, included by the root URLconf."""

from django.urls import path

from . import keying_views, measure_views, person_views, staff_views

app_name = "consultations_staff"
urlpatterns = [
    path("staff/consultations/people/", person_views.person_search, name="people"),
    path(
        "staff/consultations/people/download/",
        person_views.person_download,
        name="person_download",
    ),
    path("staff/consultations/people/erase/", person_views.person_erase, name="person_erase"),
    path("staff/consultations/", staff_views.consultation_list, name="list"),
    path("staff/consultations/measures/", measure_views.measure_list, name="measures"),
    path(
        "staff/consultations/measures/<slug:slug>/",
        measure_views.measure_trend_page,
        name="measure_trend",
    ),
    path(
        "staff/consultations/<int:pk>/results/",
        staff_views.consultation_results_page,
        name="results",
    ),
    path(
        "staff/consultations/<int:pk>/results/questions/<int:question_pk>/answers/",
        staff_views.text_answer_list,
        name="text_answers",
    ),
    path("staff/consultations/<int:pk>/responses.csv", staff_views.export_csv, name="export_csv"),
    path(
        "staff/consultations/<int:pk>/equality/",
        staff_views.equality_tables_page,
        name="equality",
    ),
    path(
        "staff/consultations/<int:pk>/equality-answers.csv",
        staff_views.export_equality_csv,
        name="export_equality_csv",
    ),
    path(
        "staff/consultations/<int:pk>/responses.xlsx",
        staff_views.export_xlsx,
        name="export_xlsx",
    ),
    path(
        "staff/consultations/<int:pk>/responses/new/",
        keying_views.key_in_response,
        name="key_in",
    ),
]
