"""Catalogue and cart: the JSON API and the store finder / product search pages."""

from django.urls import path

from shopping.api import cart as cart_api
from shopping.api import catalogue as catalogue_api
from shopping.views import catalogue as views

app_name = "catalogue"

urlpatterns = [
    path("api/locations", catalogue_api.LocationListView.as_view(), name="api-location-list"),
    path(
        "api/locations/<str:location_id>",
        catalogue_api.LocationDetailView.as_view(),
        name="api-location-detail",
    ),
    path("api/products", catalogue_api.ProductSearchView.as_view(), name="api-product-list"),
    path(
        "api/products/<str:product_id>", catalogue_api.ProductDetailView.as_view(), name="api-product-detail"
    ),
    path("api/cart", cart_api.CartAddView.as_view(), name="api-cart-add"),
    path("api/cart/sends", cart_api.CartSendListView.as_view(), name="api-cart-send-list"),
    path("api/cart/sends/<int:pk>", cart_api.CartSendDetailView.as_view(), name="api-cart-send-detail"),
    path("stores/", views.store_finder, name="store-finder"),
    path("stores/choose", views.choose_store, name="choose-store"),
    path("products/", views.product_search, name="product-search"),
    path("products/add-to-cart", views.add_to_cart, name="add-to-cart"),
    path("products/remember", views.remember_product, name="remember-product"),
]
