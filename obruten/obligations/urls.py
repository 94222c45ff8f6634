from django.urls import path

from . import views

app_name = "obligations"
urlpatterns = [
    path("att-gora/", views.todo, name="todo"),
    path("stadsdel/att-gora/", views.district, name="district"),
    path("skolsamordnare/", views.coordinator, name="coordinator"),
    path("uppgifter/<int:obligation_id>/stang/", views.close, name="close"),
]
