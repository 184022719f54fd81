from django.urls import path

from shopping.views import home

urlpatterns = [
    path("", home.home, name="home"),
    path("account/location", home.choose_location, name="choose-location"),
    path("account/name", home.display_name, name="display-name"),
]
