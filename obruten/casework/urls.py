from django.urls import path

from . import views

app_name = "casework"
urlpatterns = [
    path("barn/<int:child_id>/ansvarig/", views.assign, name="assign"),
    path("barn/<int:child_id>/overflyttning/", views.transfer_create, name="transfer_create"),
    path("stadsdel/overlamning/", views.handover, name="handover"),
    path("stadsdel/overflyttningar/", views.incoming, name="incoming"),
    path("stadsdel/overflyttningar/<int:transfer_id>/", views.transfer_decide, name="transfer_decide"),
]
